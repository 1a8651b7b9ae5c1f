using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class TenantLookupTests(PostgresFixture fixture)
{
    [Fact]
    public async Task Cached_lookups_see_a_change_made_outside_the_process_at_once()
    {
        // A second "instance", listening for registry changes like the Api does.
        var services = PostgresFixture.CreateServices(fixture.ConnectionString);
        var listener = services.GetServices<IHostedService>().Single(s => s is Tenancy.Changes.ChangeListener);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            var lookup = services.GetRequiredService<TenantLookup>();
            var identifier = PostgresFixture.NewIdentifier();
            // Caching starts once the listener is up; until then every call queries.
            await Eventually.TrueAsync(() => IsCachingAsync(lookup, identifier));
            Assert.Null(await lookup.FindByIdentifierAsync(identifier));

            await fixture.Services.GetRequiredService<TenantProvisioner>().ProvisionAsync(new NewTenant(identifier, "Created elsewhere", Domains: [$"{identifier}.example.org"]));
            await Eventually.TrueAsync(async () => await lookup.FindByIdentifierAsync(identifier) is not null);
            Assert.Equal(identifier, (await lookup.FindByHostAsync($"{identifier}.example.org"))?.Identifier);

            await fixture.Services.ExecuteAsync($"UPDATE tenancy.tenants SET status = 'Suspended' WHERE identifier = '{identifier}'");
            await Eventually.TrueAsync(async () => (await lookup.FindByIdentifierAsync(identifier))?.Status == TenantStatus.Suspended);
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    // A negative answer is cached only while listening: planting a row without NOTIFY shows whether it was.
    private async Task<bool> IsCachingAsync(TenantLookup lookup, string probe)
    {
        var planted = probe + "-probe";
        await lookup.FindByIdentifierAsync(planted);
        await fixture.Services.ExecuteAsync(
            $"ALTER TABLE tenancy.tenants DISABLE TRIGGER tenants_changed; " +
            $"INSERT INTO tenancy.tenants (id, identifier, name, status, plan, isolation, metadata, created_at, updated_at) VALUES (gen_random_uuid(), '{planted}', 'probe', 'Active', 'standard', 'Schema', '{{}}', now(), now()); " +
            $"ALTER TABLE tenancy.tenants ENABLE TRIGGER tenants_changed;");
        var cached = await lookup.FindByIdentifierAsync(planted) is null;
        await fixture.Services.ExecuteAsync($"DELETE FROM tenancy.tenants WHERE identifier = '{planted}'");
        return cached;
    }
}
