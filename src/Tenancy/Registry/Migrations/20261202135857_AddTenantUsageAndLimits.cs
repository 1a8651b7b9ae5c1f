using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class AddTenantUsageAndLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "max_data_bytes",
                schema: "tenancy",
                table: "tenants",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "requests_per_window",
                schema: "tenancy",
                table: "tenants",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "tenant_usage",
                schema: "tenancy",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    day = table.Column<DateOnly>(type: "date", nullable: false),
                    requests = table.Column<long>(type: "bigint", nullable: false),
                    errors = table.Column<long>(type: "bigint", nullable: false),
                    jobs_run = table.Column<long>(type: "bigint", nullable: false),
                    data_bytes = table.Column<long>(type: "bigint", nullable: true),
                    cache_bytes = table.Column<long>(type: "bigint", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_usage", x => new { x.tenant_id, x.day });
                    table.ForeignKey(
                        name: "fk_tenant_usage_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "tenancy",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tenant_usage",
                schema: "tenancy");

            migrationBuilder.DropColumn(
                name: "max_data_bytes",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "requests_per_window",
                schema: "tenancy",
                table: "tenants");
        }
    }
}
