using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Npgsql;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

/// <summary><c>tenants create --owner-email [--owner-password]</c>: the tenant's first owner, hashed, or nothing at all.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class CliOwnerTests(PostgresFixture postgres)
{
    private readonly CliRun _cli = new(postgres.ConnectionString);

    [Fact]
    public async Task Create_with_an_owner_stores_a_hashed_password_and_an_owner_membership()
    {
        var identifier = PostgresFixture.NewIdentifier("own");
        var email = $"Owner@{identifier}.Example";
        const string password = "a long secret phrase";

        await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Owned", "--owner-email", email, "--owner-password", password);

        var (hash, role) = await OwnerAsync(identifier);
        Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<object>().VerifyHashedPassword(null!, hash, password));
        Assert.Equal("Owner", role);
    }

    [Fact]
    public async Task Without_a_password_one_is_generated_and_printed_once()
    {
        var identifier = PostgresFixture.NewIdentifier("gen");

        var result = await _cli.ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Generated", "--owner-email", $"first@{identifier}.example");

        var generated = GeneratedPassword().Match(result.Output).Groups[1].Value;
        Assert.Equal(20, generated.Length);
        var (hash, _) = await OwnerAsync(identifier);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<object>().VerifyHashedPassword(null!, hash, generated));
    }

    [Theory]
    [InlineData("not-an-email", "a long owner password", 1)]
    [InlineData("ok@example.com", "short", 1)]
    [InlineData(null, "a long owner password", 2)]
    public async Task A_bad_owner_fails_with_one_line_and_creates_no_tenant(string? email, string password, int exitCode)
    {
        var identifier = PostgresFixture.NewIdentifier("bad");
        string[] args = email is null
            ? ["tenants", "create", identifier, "--name", "Bad", "--owner-password", password]
            : ["tenants", "create", identifier, "--name", "Bad", "--owner-email", email, "--owner-password", password];

        var result = await _cli.ExpectAsync(exitCode, args);

        Assert.Single(result.ErrorLines);
        Assert.Equal(0, await _cli.CountAsync("SELECT count(*) FROM tenancy.tenants WHERE identifier = $1", identifier));
    }

    private async Task<(string Hash, string Role)> OwnerAsync(string identifier)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT u.password_hash, m.role FROM accounts.users u
            JOIN accounts.memberships m ON m.user_id = u.id
            JOIN tenancy.tenants t ON t.id = m.tenant_id
            WHERE t.identifier = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = identifier });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no owner for {identifier}");
        return (reader.GetString(0), reader.GetString(1));
    }

    [GeneratedRegex("generated password (\\S+) ")]
    private static partial Regex GeneratedPassword();
}
