using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class AddCacheAndJobLimitOverrides : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_cache_entries",
                schema: "tenancy",
                table: "tenants",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_concurrent_jobs",
                schema: "tenancy",
                table: "tenants",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "max_cache_entries",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "max_concurrent_jobs",
                schema: "tenancy",
                table: "tenants");
        }
    }
}
