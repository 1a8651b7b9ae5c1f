using System.Text;
using Npgsql;
using Tenancy.Isolation;
using Tenancy.Placement;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Migrations;

/// <summary>
/// Creates the application login role (the user of <c>ConnectionStrings:{name}-app</c>) when the server lacks it.
/// Azure Resource Manager cannot create PostgreSQL roles, so in a cloud deploy the first instance that migrates
/// does it, over the owner's session and under the migration lock; the migrations that follow grant it the tenant
/// tables. An existing role is never altered (not its password, not its attributes): locally the AppHost made it,
/// and in production an operator may have changed it on purpose. The shared migration grants the shared schema and
/// schema-tier tenants to a role that lacks them; database-tier tenants are granted here.
/// </summary>
public static class ApplicationRoleSetup
{
    /// <summary>PostgreSQL's longest identifier (NAMEDATALEN - 1), in bytes.</summary>
    private const int MaxRoleNameBytes = 63;

    /// <summary>Creates the role that <paramref name="applicationConnectionString"/> logs in as, if missing; true when it did.</summary>
    public static async Task<bool> EnsureAsync(NpgsqlConnection owner, string applicationConnectionString, CancellationToken cancellationToken)
    {
        var login = new NpgsqlConnectionStringBuilder(applicationConnectionString);
        var role = ValidRoleName(login.Username);
        // The statement is rendered by the server: format's %L quotes the password as a literal, whatever it holds.
        // No role attribute beyond LOGIN: no superuser, no BYPASSRLS (row-level security must bind it), no CREATEDB/CREATEROLE.
        await using var render = new NpgsqlCommand(
            "SELECT format('CREATE ROLE %s LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION', $1::text, $2::text) " +
            "WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $3)",
            owner)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = SqlIdentifier.Quote(role) },
                new NpgsqlParameter { Value = (object?)login.Password ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text },
                new NpgsqlParameter { Value = role },
            },
        };
        if (await render.ExecuteScalarAsync(cancellationToken) is not string create)
        {
            return false;
        }

        if (string.IsNullOrEmpty(login.Password))
        {
            throw new InvalidOperationException($"The application role '{role}' does not exist and its connection string has no password to create it with.");
        }

        await using var command = new NpgsqlCommand(create, owner);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Gives <paramref name="role"/> what provisioning gives it on every database-tier tenant of the main server that
    /// was made before the role existed (no CONNECT granted to it): its tables, then CONNECT, with the database closed
    /// to everyone else. The grant of CONNECT comes last, so a run cut short is finished by the next one. Returns the
    /// tenants that failed; the others are granted regardless.
    /// </summary>
    public static async Task<IReadOnlyList<(string Identifier, string Error)>> GrantDatabaseTenantsAsync(
        NpgsqlConnection owner, TenantRegistry registry, TenantStoreConnections stores, string role, CancellationToken cancellationToken)
    {
        // A creation still under way grants the role itself.
        var onMainServer = (await registry.ListServedAsync(cancellationToken: cancellationToken))
            .Where(t => t.Isolation == TenantIsolation.Database && t.ConnectionReference is null)
            .ToList();
        var closed = new HashSet<string>(StringComparer.Ordinal);
        await using (var find = new NpgsqlCommand(
            """
            SELECT d.datname FROM pg_database d
            WHERE d.datname = ANY($2)
              AND NOT EXISTS (SELECT 1 FROM aclexplode(d.datacl) a
                              WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = $1) AND a.privilege_type = 'CONNECT')
            """,
            owner) { Parameters = { new NpgsqlParameter { Value = role }, new NpgsqlParameter { Value = onMainServer.Select(t => t.DatabaseName!).ToArray() } } })
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                closed.Add(reader.GetString(0));
            }
        }

        var ungranted = onMainServer.Where(t => closed.Contains(t.DatabaseName!)).Select(t => (t.Identifier, Database: t.DatabaseName!, Schema: t.SchemaName!)).ToList();

        var failed = new List<(string Identifier, string Error)>();
        foreach (var (identifier, database, schema) in ungranted)
        {
            try
            {
                await using (var tenantDatabase = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(stores.OwnerFor(database, null)) { Pooling = false }.ConnectionString))
                {
                    await tenantDatabase.OpenAsync(cancellationToken);
                    await using var tables = new NpgsqlCommand(TenantRowSecurity.GrantSchemaSql(schema, role), tenantDatabase);
                    await tables.ExecuteNonQueryAsync(cancellationToken);
                }

                await using var connect = new NpgsqlCommand(TenantRowSecurity.GrantDatabaseSql(database, role), owner);
                await connect.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex)
            {
                failed.Add((identifier, $"{ex.SqlState}: {ex.MessageText}"));
            }
        }

        return failed;
    }

    /// <summary>
    /// The roles the shared schema is granted to as the application role is (<see cref="TenantRowSecurity.SecureSharedSchemaSql"/>:
    /// USAGE on the schema and reads and writes on its tables), its owner and superusers aside. Every deployment that
    /// serves tenant data through an application role has granted it so, whoever started first, so a tool holding
    /// only the owner's credentials learns from here whom to grant the stores it builds. A role only granted reads
    /// (reporting, say) is not one.
    /// </summary>
    public static async Task<IReadOnlyList<string>> GrantedRolesAsync(NpgsqlConnection owner, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT r.rolname
            FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) a JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = $1 AND a.privilege_type = 'USAGE' AND a.grantee <> n.nspowner AND NOT r.rolsuper
              AND EXISTS (SELECT 1 FROM pg_class c
                          WHERE c.relnamespace = n.oid AND c.relkind = 'r'
                            AND has_table_privilege(r.oid, c.oid, 'SELECT') AND has_table_privilege(r.oid, c.oid, 'INSERT')
                            AND has_table_privilege(r.oid, c.oid, 'UPDATE') AND has_table_privilege(r.oid, c.oid, 'DELETE'))
            ORDER BY r.rolname
            """,
            owner) { Parameters = { new NpgsqlParameter { Value = TenantStoreNames.SharedSchema } } };
        var roles = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            roles.Add(reader.GetString(0));
        }

        return roles;
    }

    private static string ValidRoleName(string? role)
    {
        if (string.IsNullOrEmpty(role))
        {
            throw new InvalidOperationException("The application role's connection string names no user (Username=…).");
        }

        // PostgreSQL would truncate a longer name (another role) or reject these; say so before any SQL runs.
        if (Encoding.UTF8.GetByteCount(role) > MaxRoleNameBytes || role.Contains('\0', StringComparison.Ordinal)
            || role.StartsWith("pg_", StringComparison.OrdinalIgnoreCase) || role.Equals("public", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"'{role}' cannot be the application role's name: at most {MaxRoleNameBytes} bytes, not 'public', not starting with 'pg_'.");
        }

        return role;
    }
}
