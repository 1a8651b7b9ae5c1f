using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "tenancy");

            migrationBuilder.CreateTable(
                name: "tenants",
                schema: "tenancy",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    plan = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    max_users = table.Column<int>(type: "integer", nullable: true),
                    max_locations = table.Column<int>(type: "integer", nullable: true),
                    isolation = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    schema_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    database_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    connection_reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    contact_email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    data_dropped_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "domains",
                schema: "tenancy",
                columns: table => new
                {
                    host = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    is_primary = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_domains", x => x.host);
                    table.ForeignKey(
                        name: "fk_domains_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "tenancy",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_migrations",
                schema: "tenancy",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    migration_id = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: false),
                    applied_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tenant_migrations", x => new { x.tenant_id, x.migration_id });
                    table.ForeignKey(
                        name: "fk_tenant_migrations_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalSchema: "tenancy",
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_domains_tenant_id",
                schema: "tenancy",
                table: "domains",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "ix_tenants_identifier",
                schema: "tenancy",
                table: "tenants",
                column: "identifier",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tenants_schema_name",
                schema: "tenancy",
                table: "tenants",
                column: "schema_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tenants_status",
                schema: "tenancy",
                table: "tenants",
                column: "status");

            // Every instance caches tenant lookups; this tells them, whoever changed the registry (Api, CLI, psql).
            migrationBuilder.Sql("""
                CREATE FUNCTION tenancy.notify_registry_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('tenancy_registry', TG_TABLE_NAME);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER tenants_changed AFTER INSERT OR UPDATE OR DELETE ON tenancy.tenants
                    FOR EACH STATEMENT EXECUTE FUNCTION tenancy.notify_registry_change();
                CREATE TRIGGER domains_changed AFTER INSERT OR UPDATE OR DELETE ON tenancy.domains
                    FOR EACH STATEMENT EXECUTE FUNCTION tenancy.notify_registry_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER domains_changed ON tenancy.domains;
                DROP TRIGGER tenants_changed ON tenancy.tenants;
                DROP FUNCTION tenancy.notify_registry_change();
                """);

            migrationBuilder.DropTable(
                name: "domains",
                schema: "tenancy");

            migrationBuilder.DropTable(
                name: "tenant_migrations",
                schema: "tenancy");

            migrationBuilder.DropTable(
                name: "tenants",
                schema: "tenancy");
        }
    }
}
