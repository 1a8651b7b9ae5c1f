using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Tenancy.Accounts;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Startup;

namespace Tenancy.IntegrationTests.Accounts;

/// <summary>The sign-in back-off in PostgreSQL: every parallel failure counts, and an unknown e-mail is counted like a known one.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SignInBackoffTests(PostgresFixture postgres)
{
    private const string Email = "ops@example.com";
    private const string Password = "violet kiln harbour 7";

    [Fact]
    public async Task Parallel_failures_all_count_and_back_off_the_address_but_not_the_owner_elsewhere()
    {
        var database = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);
        var services = Services(database);
        await using var disposal = (IAsyncDisposable)services;
        await services.GetRequiredService<AccountsStartup>().StartAsync(CancellationToken.None);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => SignInAsync(services, $"guess {i}", "198.51.100.1")));

        Assert.All(attempts, outcome => Assert.Equal(SignInOutcome.Failed, outcome));
        Assert.Equal(12, await FailuresAsync(database, "198.51.100.1"));
        Assert.Equal(SignInOutcome.Failed, await SignInAsync(services, Password, "198.51.100.1"));
        Assert.Equal(SignInOutcome.Succeeded, await SignInAsync(services, Password, "203.0.113.5"));
        // The owner's success clears their own counts, not the attacker's.
        Assert.Equal(13, await FailuresAsync(database, "198.51.100.1"));
    }

    [Fact]
    public async Task An_unknown_email_is_counted_under_the_same_keys_as_a_known_one()
    {
        var database = await PostgresFixture.CreateEmptyDatabaseAsync(postgres.ConnectionString);
        var services = Services(database);
        await using var disposal = (IAsyncDisposable)services;
        await services.GetRequiredService<AccountsStartup>().StartAsync(CancellationToken.None);

        await using (var scope = services.CreateAsyncScope())
        {
            var signIn = scope.ServiceProvider.GetRequiredService<SignInService>();
            Assert.Equal(SignInOutcome.Failed, (await signIn.SignInPlatformAdminAsync("nobody@example.com", "some guess", "198.51.100.2", CancellationToken.None)).Outcome);
            Assert.Equal(SignInOutcome.Failed, (await signIn.SignInPlatformAdminAsync(Email, "some guess", "198.51.100.2", CancellationToken.None)).Outcome);
        }

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM accounts.sign_in_backoffs WHERE failures = 1", connection);
        // Per address and per account, for each: nothing in the table tells which e-mail has an account.
        Assert.Equal(4L, await command.ExecuteScalarAsync());
    }

    private static IServiceProvider Services(string database) =>
        PostgresFixture.CreateServices(database, builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Tenancy:Admin:Email"] = Email,
                ["Tenancy:Admin:Password"] = Password,
                ["Tenancy:Auth:SignInFirstBackoff"] = "00:01:00",
            });
            builder.WithAccountStore();
            builder.Services.AddScoped<SignInService>();
            builder.Services.AddSingleton<AccountsStartup>();
        });

    private static async Task<SignInOutcome> SignInAsync(IServiceProvider services, string password, string address)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<SignInService>().SignInPlatformAdminAsync(Email, password, address, CancellationToken.None)).Outcome;
    }

    private static async Task<int> FailuresAsync(string database, string address)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT failures FROM accounts.sign_in_backoffs WHERE key = @key", connection);
        command.Parameters.AddWithValue("key", SignInService.KeyOf("platform", AccountsDbContext.Normalize(Email), address));
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }
}
