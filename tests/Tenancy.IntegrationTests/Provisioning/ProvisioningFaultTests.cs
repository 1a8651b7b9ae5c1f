using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Tenancy.Accounts;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Startup;
using Tenancy.IntegrationTests.Tiers;
using Tenancy.Migrations;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Tenants;
using Xunit.Abstractions;

namespace Tenancy.IntegrationTests.Provisioning;

/// <summary>
/// A creation killed at each of its SQL commands, in every tier: nothing is left half-made (no tenant without its
/// owner, no schema, database, rows or user without a committed tenant), a retry of the same request completes it,
/// and the Worker's sweep removes a database-tier creation nobody retries.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ProvisioningFaultTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const string OwnerPassword = "a long secret phrase";

    [Theory]
    [InlineData(TenantIsolation.Shared)]
    [InlineData(TenantIsolation.Schema)]
    [InlineData(TenantIsolation.Database)]
    public async Task A_creation_killed_at_any_sql_command_leaves_nothing_half_made_and_its_retry_completes_it(TenantIsolation isolation)
    {
        var tiers = await OwnedTiersAsync();
        var commands = await CountCommandsAsync(tiers, isolation);

        for (var n = 1; n <= commands.Count; n++)
        {
            var request = Request(isolation, $"k{n}");
            await KillAtAsync(tiers, request, n);

            await AssertNotHalfMadeAsync(tiers, request);
            var retried = await CreateAsync(tiers, request);

            Assert.True(retried.Created, $"killed at #{n} ({commands[n - 1]}): the retry found it made");
            await AssertCompleteAsync(tiers, retried.Tenant, request);
        }

        await AssertNoTenantWithoutOwnerAsync(tiers);
        output.WriteLine($"{isolation}: {commands.Count} fault points: {string.Join(" | ", commands)}");
    }

    [Fact]
    public async Task A_database_creation_killed_at_any_point_and_never_retried_is_removed_by_the_sweep_with_its_database()
    {
        var tiers = await OwnedTiersAsync();
        var commands = await CountCommandsAsync(tiers, TenantIsolation.Database);
        var reaper = Reaper(tiers, TimeSpan.FromHours(1));
        var (removed, intents) = (0, 0);

        for (var n = 1; n <= commands.Count; n++)
        {
            var request = Request(TenantIsolation.Database, $"s{n}");
            await KillAtAsync(tiers, request, n);

            intents += await StatusAsync(tiers, request.Tenant.Identifier) == nameof(TenantStatus.Provisioning) ? 1 : 0;
            removed += (await reaper.RemoveAbandonedAsync()).Count(i => i == request.Tenant.Identifier);

            Assert.False(await tiers.Services.TenantRowExistsAsync(request.Tenant.Identifier), $"killed at #{n}");
            Assert.False(await DatabaseExistsAsync(tiers, request.Tenant.Identifier), $"killed at #{n}: orphan database");
            // The identifier is free again.
            Assert.True((await CreateAsync(tiers, request)).Created);
        }

        // The kills after the intent's commit left one each, and the sweep removed each of those.
        Assert.True(intents > 0);
        Assert.Equal(intents, removed);
    }

    [Fact]
    public async Task The_sweep_and_a_retry_leave_a_creation_alone_while_its_lease_is_held_and_a_young_one_is_left_for_its_retry()
    {
        var tiers = await OwnedTiersAsync();
        var request = Request(TenantIsolation.Database, "lease");
        var commands = await CountCommandsAsync(tiers, TenantIsolation.Database);
        // Killed right after the intent's commit: the database comes next.
        var afterIntent = commands.FindIndex(c => c.StartsWith("DROP DATABASE", StringComparison.Ordinal)) + 1;
        Assert.True(afterIntent > 1, string.Join(" | ", commands));
        await KillAtAsync(tiers, request, afterIntent);

        Assert.Equal(nameof(TenantStatus.Provisioning), await StatusAsync(tiers, request.Tenant.Identifier));
        Assert.Empty(await Reaper(tiers, TimeSpan.Zero).RemoveAbandonedAsync());

        await using (var live = await tiers.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var transaction = await live.BeginTransactionAsync())
        {
            await using (var lease = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('provisioning:' || $1, 0))", live, transaction))
            {
                lease.Parameters.Add(new NpgsqlParameter { Value = request.Tenant.Identifier });
                await lease.ExecuteNonQueryAsync();
            }

            Assert.Empty(await Reaper(tiers, TimeSpan.FromHours(1)).RemoveAbandonedAsync());
            var busy = await Assert.ThrowsAsync<TenantConflictException>(() => CreateAsync(tiers, request));
            Assert.Contains("being created", busy.Message, StringComparison.Ordinal);
        }

        Assert.Equal([request.Tenant.Identifier], await Reaper(tiers, TimeSpan.FromHours(1)).RemoveAbandonedAsync());
        Assert.False(await DatabaseExistsAsync(tiers, request.Tenant.Identifier));
    }

    [Fact]
    public async Task A_retry_of_a_finished_creation_returns_the_tenant_and_a_different_request_for_its_identifier_is_a_conflict()
    {
        var tiers = await OwnedTiersAsync();
        var request = Request(TenantIsolation.Database, "same");
        var first = await CreateAsync(tiers, request);

        var again = await CreateAsync(tiers, request);
        var otherName = await Assert.ThrowsAsync<TenantConflictException>(() => CreateAsync(tiers, request with { Tenant = request.Tenant with { Name = "Other" } }));
        var otherOwner = await Assert.ThrowsAsync<TenantConflictException>(() => CreateAsync(tiers, request with { OwnerEmail = "someone@else.example" }));
        var otherTier = await Assert.ThrowsAsync<TenantConflictException>(() => CreateAsync(tiers, request with { Tenant = request.Tenant with { Isolation = TenantIsolation.Schema } }));

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Tenant.Id, again.Tenant.Id);
        Assert.Contains("name", otherName.Message, StringComparison.Ordinal);
        Assert.Contains("owner", otherOwner.Message, StringComparison.Ordinal);
        Assert.Contains("isolation", otherTier.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM accounts.memberships WHERE tenant_id = $1", first.Tenant.Id));
    }

    /// <summary>A creation with its owner, as the Api and the CLI make it.</summary>
    private sealed record CreateRequest(NewTenant Tenant, string OwnerEmail);

    private static CreateRequest Request(TenantIsolation isolation, string prefix)
    {
        var identifier = PostgresFixture.NewIdentifier(prefix);
        return new CreateRequest(
            new NewTenant(identifier, "Faulty " + prefix, Isolation: isolation, Domains: [$"{identifier}.example.com"], Metadata: new Dictionary<string, string> { ["k"] = "v" }),
            $"owner@{identifier}.example");
    }

    private static async Task<ProvisionedTenant> CreateAsync(TierDatabase tiers, CreateRequest request)
    {
        await using var scope = tiers.Services.CreateAsyncScope();
        var owner = scope.ServiceProvider.GetRequiredService<FirstOwner>();
        return await scope.ServiceProvider.GetRequiredService<TenantProvisioner>().CreateAsync(request.Tenant, owner.For(request.OwnerEmail, OwnerPassword));
    }

    private async Task<TierDatabase> OwnedTiersAsync()
    {
        var tiers = await TierDatabase.CreateAsync(fixture, configure: builder => builder.WithAccountStore());
        await tiers.Services.GetRequiredService<AccountsMigrator>().MigrateAsync(CancellationToken.None);
        return tiers;
    }

    /// <summary>
    /// The creation, its sessions killed at its <paramref name="n"/>th SQL command and at every later one; then fresh
    /// pools, as a restarted process has.
    /// </summary>
    private async Task KillAtAsync(TierDatabase tiers, CreateRequest request, int n)
    {
        var databases = new[] { new NpgsqlConnectionStringBuilder(tiers.OwnerConnectionString).Database!, TenantStoreNames.ToDatabaseName(request.Tenant.Identifier) };
        using (var faults = SqlFaults.KillFrom(n, fixture.ConnectionString, databases))
        {
            Exception? error = null;
            try
            {
                await CreateAsync(tiers, request);
            }
            catch (Exception e)
            {
                error = e;
            }

            Assert.True(faults.Kills > 0, $"not killed at #{n}");
            Assert.True(error is not null, $"killed at #{n} ({faults.Commands[n - 1]}), yet the creation went through");
            // The kill, whatever wraps it (EF Core, a disposed transaction): not another failure.
            Assert.Contains(Causes(error!), e => e is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown } or NpgsqlException { InnerException: IOException or EndOfStreamException });
        }

        tiers.Services.GetRequiredService<NpgsqlDataSource>().Clear();
        NpgsqlConnection.ClearAllPools();
    }

    private static IEnumerable<Exception> Causes(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    /// <summary>The SQL commands of one whole creation in <paramref name="isolation"/>: the points a kill can hit.</summary>
    private static async Task<List<string>> CountCommandsAsync(TierDatabase tiers, TenantIsolation isolation)
    {
        // The second creation: the first of a process also loads types and models once.
        Assert.True((await CreateAsync(tiers, Request(isolation, "warm"))).Created);
        using var faults = SqlFaults.Count();
        Assert.True((await CreateAsync(tiers, Request(isolation, "count"))).Created);
        var commands = faults.Commands.ToList();
        Assert.True(commands.Count >= 4, string.Join(", ", commands));
        return commands;
    }

    private static AbandonedProvisioningReaper Reaper(TierDatabase tiers, TimeSpan later) => new(
        tiers.Services.GetRequiredService<Registry.TenantRegistry>(),
        tiers.Services.GetRequiredService<TenantStoreConnections>(),
        tiers.Services.GetRequiredService<IOptions<ProvisioningOptions>>(),
        new LaterClock(later));

    private static Task<string?> StatusAsync(TierDatabase tiers, string identifier) =>
        tiers.Services.ScalarAsync<string>("SELECT status FROM tenancy.tenants WHERE identifier = $1", identifier);

    private static Task<bool> DatabaseExistsAsync(TierDatabase tiers, string identifier) =>
        tiers.Services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", TenantStoreNames.ToDatabaseName(identifier));

    /// <summary>Killed before its commit: no tenant but an uncommitted database-tier intent, and nothing of its store, rows or owner beside.</summary>
    private static async Task AssertNotHalfMadeAsync(TierDatabase tiers, CreateRequest request)
    {
        var identifier = request.Tenant.Identifier;
        var status = await StatusAsync(tiers, identifier);
        Assert.True(status is null || (status == nameof(TenantStatus.Provisioning) && request.Tenant.Isolation == TenantIsolation.Database), $"{identifier} is {status}");
        Assert.False(await tiers.Services.SchemaExistsAsync(TenantStoreNames.ToSchemaName(identifier)));
        Assert.Equal(0L, await tiers.Services.ScalarAsync<long>(
            "SELECT count(*) FROM accounts.users WHERE normalized_email = $1", AccountsDbContext.Normalize(request.OwnerEmail)));
        Assert.Equal(0L, await tiers.Services.ScalarAsync<long>(
            "SELECT count(*) FROM accounts.memberships m JOIN tenancy.tenants t ON t.id = m.tenant_id WHERE t.identifier = $1", identifier));
        if (status is null)
        {
            Assert.False(await DatabaseExistsAsync(tiers, identifier), $"{identifier}: a database without a registry row");
            Assert.Equal(0L, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM tenancy.domains WHERE host = $1", $"{identifier}.example.com"));
        }

        await AssertNoTenantWithoutOwnerAsync(tiers);
    }

    private static async Task AssertCompleteAsync(TierDatabase tiers, Tenant tenant, CreateRequest request)
    {
        var catalog = tiers.Services.GetRequiredService<TenantMigrationCatalog>();
        Assert.Equal(nameof(TenantStatus.Active), await StatusAsync(tiers, tenant.Identifier));
        Assert.Equal("Owner", await tiers.Services.ScalarAsync<string>(
            "SELECT m.role FROM accounts.memberships m JOIN accounts.users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND u.normalized_email = $2",
            tenant.Id, AccountsDbContext.Normalize(request.OwnerEmail)));
        Assert.Equal($"{tenant.Identifier}.example.com", await tiers.Services.ScalarAsync<string>("SELECT host FROM tenancy.domains WHERE tenant_id = $1 AND is_primary", tenant.Id));
        switch (tenant.Isolation)
        {
            case TenantIsolation.Schema:
                Assert.Equal(catalog.Migrations.Count, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM tenancy.tenant_migrations WHERE tenant_id = $1", tenant.Id));
                Assert.True(await tiers.Services.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'products')", tenant.SchemaName!));
                break;
            case TenantIsolation.Database:
                Assert.Equal(catalog.Migrations.Count, await tiers.Services.ScalarAsync<long>("SELECT count(*) FROM tenancy.tenant_migrations WHERE tenant_id = $1", tenant.Id));
                Assert.Equal(0L, await tiers.AsApplicationAsync<long>($"SELECT count(*) FROM {tenant.SchemaName}.products", tenant.DatabaseName));
                break;
            default:
                Assert.Null(tenant.SchemaName);
                break;
        }
    }

    private static async Task AssertNoTenantWithoutOwnerAsync(TierDatabase tiers) =>
        Assert.Equal(0L, await tiers.Services.ScalarAsync<long>("""
            SELECT count(*) FROM tenancy.tenants t
            WHERE t.status <> 'Provisioning'
              AND NOT EXISTS (SELECT 1 FROM accounts.memberships m WHERE m.tenant_id = t.id AND m.role = 'Owner')
            """));

    /// <summary>The sweep as it runs <paramref name="offset"/> later: past (or not yet past) the age an intent waits for its retry.</summary>
    private sealed class LaterClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }
}
