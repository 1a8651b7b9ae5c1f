using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tenancy.Context;
using Tenancy.Provisioning;
using Tenancy.Resolution;
using Tenancy.Telemetry;

namespace Tenancy.IntegrationTests;

[Collection(PostgresCollection.Name)]
public sealed class TenantTelemetryTests(PostgresFixture fixture)
{
    private static readonly ActivitySource Source = new("Tenancy.IntegrationTests");

    [Fact]
    public async Task Spans_started_while_a_tenant_is_current_carry_that_tenant_and_no_other()
    {
        var exported = new List<Activity>();
        var services = PostgresFixture.CreateServices(fixture.ConnectionString, builder =>
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(Source.Name).AddInMemoryExporter(exported)));
        using var tracerProvider = services.GetRequiredService<TracerProvider>();
        var provisioner = services.GetRequiredService<TenantProvisioner>();
        var lookup = services.GetRequiredService<TenantLookup>();
        var tenants = new[] { PostgresFixture.NewIdentifier("o"), PostgresFixture.NewIdentifier("o") };
        foreach (var identifier in tenants)
        {
            await provisioner.ProvisionAsync(new NewTenant(identifier, "Traced"));
        }

        var scopes = services.GetRequiredService<TenantScopeFactory>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 40), async (i, _) =>
        {
            var tenant = (await lookup.FindByIdentifierAsync(tenants[i % 2]))!;
            await using var scope = scopes.BeginScope(tenant);
            await Task.Yield();
            using var span = Source.StartActivity($"work {tenant.Identifier}");
        });
        using (Source.StartActivity("platform work"))
        {
        }

        tracerProvider.ForceFlush();
        var work = exported.Where(a => a.DisplayName.StartsWith("work ", StringComparison.Ordinal)).ToList();
        Assert.Equal(40, work.Count);
        Assert.All(work, span => Assert.Equal(span.DisplayName["work ".Length..], span.GetTagItem(TenantActivityProcessor.TenantIdentifierTag)));
        Assert.Null(exported.Single(a => a.DisplayName == "platform work").GetTagItem(TenantActivityProcessor.TenantIdTag));
    }
}
