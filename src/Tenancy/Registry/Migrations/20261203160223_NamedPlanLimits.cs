using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Registry.Migrations
{
    /// <inheritdoc />
    public partial class NamedPlanLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "limits",
                schema: "tenancy",
                table: "tenants",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            // The two limits the core used to name become the application's named limits, values kept.
            migrationBuilder.Sql("""
                UPDATE tenancy.tenants
                SET limits = jsonb_strip_nulls(jsonb_build_object('users', max_users, 'locations', max_locations))
                """);

            migrationBuilder.DropColumn(
                name: "max_locations",
                schema: "tenancy",
                table: "tenants");

            migrationBuilder.DropColumn(
                name: "max_users",
                schema: "tenancy",
                table: "tenants");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_locations",
                schema: "tenancy",
                table: "tenants",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "max_users",
                schema: "tenancy",
                table: "tenants",
                type: "integer",
                nullable: true);

            migrationBuilder.Sql("""
                UPDATE tenancy.tenants
                SET max_users = (limits ->> 'users')::integer, max_locations = (limits ->> 'locations')::integer
                """);

            migrationBuilder.DropColumn(
                name: "limits",
                schema: "tenancy",
                table: "tenants");
        }
    }
}
