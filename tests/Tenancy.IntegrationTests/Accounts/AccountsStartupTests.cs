using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Accounts;
using Tenancy.Accounts.Startup;
using Tenancy.IntegrationTests.Jobs;

namespace Tenancy.IntegrationTests.Accounts;

/// <summary>The first platform admin: from configuration when given, else generated once and printed once; never in clear.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AccountsStartupTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Without_configuration_the_first_start_generates_an_admin_and_prints_its_password_once()
    {
        var database = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);
        var logs = new CapturedLogs();

        await StartAsync(database, logs, email: null, password: null);
        await StartAsync(database, logs, email: null, password: null);

        var printed = Assert.Single(logs.Records, r => r.Message.StartsWith("Generated the first platform admin", StringComparison.Ordinal)).Message;
        var password = printed.Split(" / ")[1];
        var (email, hash) = Assert.Single(await AdminsAsync(database));
        Assert.Equal(AccountsStartup.GeneratedAdminEmail, email);
        Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<object>().VerifyHashedPassword(null!, hash, password));
    }

    [Fact]
    public async Task A_configured_admin_is_created_and_a_changed_configured_password_replaces_the_stored_one()
    {
        var database = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);
        var logs = new CapturedLogs();

        await StartAsync(database, logs, "ops@example.com", "first configured password");
        var first = Assert.Single(await AdminsAsync(database)).Hash;
        await StartAsync(database, logs, "ops@example.com", "second configured password");
        var (email, second) = Assert.Single(await AdminsAsync(database));

        Assert.Equal("ops@example.com", email);
        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<object>().VerifyHashedPassword(null!, second, "second configured password"));
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("configured password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_admin_email_without_a_password_stops_the_start()
    {
        var database = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);

        // Tenancy:Admin is validated options (PlatformAdminOptions): a host fails at start, before AccountsStartup runs.
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(database, new CapturedLogs(), "ops@example.com", null));

        Assert.Contains("Tenancy:Admin:Password", error.Message, StringComparison.Ordinal);
    }

    private static async Task StartAsync(string connectionString, CapturedLogs logs, string? email, string? password)
    {
        var services = PostgresFixture.CreateServices(connectionString, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Tenancy:Admin:Email"] = email ?? "", ["Tenancy:Admin:Password"] = password ?? "" });
            builder.WithAccountStore();
            builder.Services.AddSingleton<ILoggerProvider>(logs);
            builder.Services.AddSingleton<AccountsStartup>();
        });
        try
        {
            await services.GetRequiredService<AccountsStartup>().StartAsync(CancellationToken.None);
        }
        finally
        {
            await ((IAsyncDisposable)services).DisposeAsync();
        }
    }

    private static async Task<List<(string Email, string Hash)>> AdminsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT email, password_hash FROM accounts.platform_admins", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var admins = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            admins.Add((reader.GetString(0), reader.GetString(1)));
        }

        return admins;
    }
}
