using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Accounts;
using Tenancy.Accounts.Tokens;
using Tenancy.Tenants;

namespace Tenancy.Benchmarks;

/// <summary>
/// Who the benchmarks are to the Api: a platform admin (configured, signed in once) for the admin API, and one user,
/// admin of every benchmark tenant, whose tokens are minted here with the signing key the Api is given, so that a
/// thousand tenants cost no thousand password hashes. Every request is authenticated, as in production.
/// </summary>
internal static class BenchAuth
{
    private const string KeyId = "bench";
    private static readonly Guid UserId = Guid.Parse("0198c0de-0000-7000-8000-00000000be9c");
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly ConcurrentDictionary<string, string> Tokens = new(StringComparer.Ordinal);

    private static readonly TokenIssuer Issuer = new(
        new SigningKeys(
            Options.Create(new AccountsOptions { SigningKeys = { [KeyId] = Convert.ToBase64String(Key) }, ActiveKeyId = KeyId }),
            new HostingEnvironment { EnvironmentName = "Production" },
            NullLogger<SigningKeys>.Instance),
        Options.Create(new AccountsOptions { TokenLifetime = TimeSpan.FromHours(2) }),
        TimeProvider.System);

    public static void ConfigureApi(IResourceBuilder<ProjectResource> api) => api
        .WithEnvironment($"Tenancy__Auth__SigningKeys__{KeyId}", Convert.ToBase64String(Key))
        .WithEnvironment("Tenancy__Auth__ActiveKeyId", KeyId);

    /// <summary>The Api's signing key for bench/Baseline, which validates the same tokens the same way.</summary>
    public static IEnumerable<KeyValuePair<string, string>> BaselineSettings =>
        [new("Baseline__SigningKey", Convert.ToBase64String(Key)), new("Baseline__SigningKeyId", KeyId)];

    /// <summary>Signs <paramref name="platform"/> in as the system's platform admin (<see cref="TestAdmin"/>, a default header from then on).</summary>
    public static async Task SignInPlatformAsync(HttpClient platform, CancellationToken cancellationToken)
    {
        using var response = await platform.PostAsJsonAsync("/api/auth/token", new { email = TestAdmin.Email, password = TestAdmin.Password }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        platform.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("accessToken").GetString());
    }

    /// <summary>Makes the benchmark user an admin of these tenants (straight in the accounts tables) and mints its tokens.</summary>
    public static async Task GrantAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> identifiers, CancellationToken cancellationToken)
    {
        await using (var batch = dataSource.CreateBatch())
        {
            var user = new NpgsqlBatchCommand("""
                INSERT INTO accounts.users (id, email, normalized_email, failed_sign_ins, created_at)
                VALUES ($1, 'bench@bench.localhost', 'BENCH@BENCH.LOCALHOST', 0, now()) ON CONFLICT DO NOTHING
                """);
            user.Parameters.Add(new NpgsqlParameter { Value = UserId });
            var memberships = new NpgsqlBatchCommand("""
                INSERT INTO accounts.memberships (user_id, tenant_id, role, created_at)
                SELECT $1, id, 'Admin', now() FROM tenancy.tenants WHERE identifier = ANY($2) ON CONFLICT DO NOTHING
                """);
            memberships.Parameters.Add(new NpgsqlParameter { Value = UserId });
            memberships.Parameters.Add(new NpgsqlParameter { Value = identifiers.ToArray() });
            batch.BatchCommands.Add(user);
            batch.BatchCommands.Add(memberships);
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        // Tokens carry the user's security stamp, checked per request like a signed-in user's.
        await using var stampCommand = dataSource.CreateCommand("SELECT security_stamp FROM accounts.users WHERE id = $1");
        stampCommand.Parameters.Add(new NpgsqlParameter { Value = UserId });
        var stamp = (Guid)(await stampCommand.ExecuteScalarAsync(cancellationToken))!;

        await using var command = dataSource.CreateCommand("SELECT identifier, id FROM tenancy.tenants WHERE identifier = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter { Value = identifiers.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var tenant = new TenantInfo(reader.GetGuid(1), reader.GetString(0), "", TenantStatus.Active, TenantIsolation.Schema, null, "", PlanLimits.Unlimited);
            Tokens[tenant.Identifier] = Issuer.ForTenantUser(UserId, "bench@bench.localhost", stamp, tenant).AccessToken;
        }
    }

    /// <summary>The benchmark user's token for a tenant granted by <see cref="GrantAsync"/>.</summary>
    public static AuthenticationHeaderValue Bearer(string identifier) =>
        new("Bearer", Tokens.TryGetValue(identifier, out var token) ? token : throw new InvalidOperationException($"no bench token for '{identifier}'"));
}
