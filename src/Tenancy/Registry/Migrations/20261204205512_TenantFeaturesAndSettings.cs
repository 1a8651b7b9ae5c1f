using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class TenantFeaturesAndSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "branding",
                schema: "tenancy",
                table: "tenants",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "feature_overrides",
                schema: "tenancy",
                table: "tenants",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "settings",
                schema: "tenancy",
                table: "tenants",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "branding",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "feature_overrides",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "settings",
                schema: "tenancy",
                table: "tenants");
        }
    }
}
