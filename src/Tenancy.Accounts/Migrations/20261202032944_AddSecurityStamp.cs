using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tenancy.Accounts.Migrations
{
    /// <inheritdoc />
    public partial class AddSecurityStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "security_stamp",
                schema: "accounts",
                table: "users",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            migrationBuilder.AddColumn<Guid>(
                name: "security_stamp",
                schema: "accounts",
                table: "platform_admins",
                type: "uuid",
                nullable: false,
                defaultValueSql: "gen_random_uuid()");

            // Every instance keeps roles and security stamps in memory (MembershipLookup, SecurityStamps); this tells
            // them whose changed, whoever changed it (Api, CLI, psql). Per row, so only that person's entries go; the
            // lockout counters' updates do not touch the stamp and stay quiet.
            migrationBuilder.Sql("""
                CREATE FUNCTION accounts.notify_account_change() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    changed record;
                BEGIN
                    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
                    IF TG_TABLE_NAME = 'memberships' THEN
                        PERFORM pg_notify('tenancy_accounts', changed.user_id::text);
                    ELSE
                        PERFORM pg_notify('tenancy_accounts', changed.id::text);
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON accounts.memberships
                    FOR EACH ROW EXECUTE FUNCTION accounts.notify_account_change();
                CREATE TRIGGER users_stamp_changed AFTER UPDATE OF security_stamp OR DELETE ON accounts.users
                    FOR EACH ROW EXECUTE FUNCTION accounts.notify_account_change();
                CREATE TRIGGER platform_admins_stamp_changed AFTER UPDATE OF security_stamp OR DELETE ON accounts.platform_admins
                    FOR EACH ROW EXECUTE FUNCTION accounts.notify_account_change();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER platform_admins_stamp_changed ON accounts.platform_admins;
                DROP TRIGGER users_stamp_changed ON accounts.users;
                DROP TRIGGER memberships_changed ON accounts.memberships;
                DROP FUNCTION accounts.notify_account_change();
                """);

            migrationBuilder.DropColumn(
                name: "security_stamp",
                schema: "accounts",
                table: "users");

            migrationBuilder.DropColumn(
                name: "security_stamp",
                schema: "accounts",
                table: "platform_admins");
        }
    }
}
