using System.Text;
using Npgsql;
using Tenancy.Isolation;

namespace Tenancy.Migrations;

/// <summary>
/// Creates the application login role (the user of <c>ConnectionStrings:{name}-app</c>) when the server lacks it.
/// Azure Resource Manager cannot create PostgreSQL roles, so in a cloud deploy the first instance that migrates
/// does it, over the owner's session and under the migration lock; the migrations that follow grant it the tenant
/// tables. An existing role is never altered (not its password, not its attributes): locally the AppHost made it,
/// and in production an operator may have changed it on purpose.
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
