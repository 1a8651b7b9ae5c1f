namespace Tenancy.EndToEndTests;

/// <summary>
/// <see cref="TwoApiInstances"/> started once for the test classes of <see cref="TwoApiInstancesCollection"/>, for
/// tests that each make their own tenant (and resume whatever they stall).
/// </summary>
public sealed class TwoApiInstancesFixture : IAsyncLifetime
{
    public TwoApiInstances System { get; private set; } = null!;

    public async Task InitializeAsync() => System = await TwoApiInstances.StartAsync();

    public async Task DisposeAsync() => await System.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class TwoApiInstancesCollection : ICollectionFixture<TwoApiInstancesFixture>
{
    public const string Name = "Two Api instances";
}
