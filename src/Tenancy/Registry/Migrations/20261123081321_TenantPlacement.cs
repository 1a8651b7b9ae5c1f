using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class TenantPlacement : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "writes_frozen_until",
                schema: "tenancy",
                table: "tenants",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shared_migrations",
                schema: "tenancy",
                columns: table => new
                {
                    migration_id = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: false),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shared_migrations", x => x.migration_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tenants_connection_reference_database_name",
                schema: "tenancy",
                table: "tenants",
                columns: new[] { "connection_reference", "database_name" },
                unique: true,
                filter: "database_name IS NOT NULL")
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shared_migrations",
                schema: "tenancy");

            migrationBuilder.DropIndex(
                name: "ix_tenants_connection_reference_database_name",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "writes_frozen_until",
                schema: "tenancy",
                table: "tenants");
        }
    }
}
