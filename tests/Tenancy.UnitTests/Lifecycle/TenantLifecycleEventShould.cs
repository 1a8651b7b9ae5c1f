using Tenancy.Lifecycle;
using Tenancy.Tenants;

namespace Tenancy.UnitTests.Lifecycle;

public sealed class TenantLifecycleEventShould
{
    [Theory]
    [InlineData(TenantLifecycleKind.Created, TenantIsolation.Schema)]
    [InlineData(TenantLifecycleKind.Moved, TenantIsolation.Database)]
    [InlineData(TenantLifecycleKind.Deleted, TenantIsolation.Shared)]
    public void Travel_as_json_with_camel_case_names_and_come_back_equal(TenantLifecycleKind kind, TenantIsolation isolation)
    {
        var sent = new TenantLifecycleEvent(kind, Guid.CreateVersion7(), "acme", isolation, new DateTimeOffset(2026, 12, 3, 17, 0, 0, TimeSpan.Zero));

        var json = sent.ToJson();

        Assert.Contains($"\"kind\":\"{kind.ToString().ToLowerInvariant()}\"", json, StringComparison.Ordinal);
        Assert.Contains($"\"isolation\":\"{isolation.ToString().ToLowerInvariant()}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"identifier\":\"acme\"", json, StringComparison.Ordinal);
        Assert.Equal(sent, TenantLifecycleEvent.FromJson(json));
    }

    [Fact]
    public void Stay_well_under_the_notify_payload_limit_for_the_longest_identifier()
    {
        var longest = new string('a', TenantIdentifier.MaxLength);

        var json = new TenantLifecycleEvent(TenantLifecycleKind.Suspended, Guid.NewGuid(), longest, TenantIsolation.Database, DateTimeOffset.MaxValue).ToJson();

        // PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more.
        Assert.True(json.Length < 1_000, json);
    }
}
