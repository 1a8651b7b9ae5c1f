using Tenancy.Placement;

namespace Tenancy.UnitTests;

public sealed class TenantDatabaseDropTests
{
    [Theory]
    [InlineData("t_acme", null)]
    [InlineData("t_acme", "eu-west")]
    public void A_dropped_database_announcement_reads_back(string database, string? reference)
    {
        Assert.True(TenantDatabases.TryReadDropped(TenantDatabases.DroppedPayload(database, reference), out var read, out var readReference));
        Assert.Equal((database, reference), (read, readReference));
    }

    [Theory]
    [InlineData("")]
    [InlineData("t_acme")]
    [InlineData("dropped-database:")]
    public void The_registry_triggers_notifications_and_anything_else_are_not_one(string payload) =>
        Assert.False(TenantDatabases.TryReadDropped(payload, out _, out _));
}
