namespace Tenancy.EndToEndTests;

/// <summary>One running system (PostgreSQL, Redis, Api, Worker) shared by the tests of a collection.</summary>
public class AppHostFixture : IAsyncLifetime
{
    private readonly string[] _args;
    private DistributedApplication? _app;

    public AppHostFixture()
        : this([])
    {
    }

    protected AppHostFixture(string[] args) => _args = args;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public HttpClient Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _app = await (await TestAppHost.CreateAsync(_args)).StartAsync();
        Api = _app.CreateHttpClient("api");
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        if (_app is not null)
        {
            await _app.StopAndDeleteAsync();
        }
    }
}

/// <summary>The same system with PgBouncer in transaction pooling mode between the Api and PostgreSQL.</summary>
public sealed class PgBouncerAppHostFixture() : AppHostFixture(["--UsePgBouncer=true"]);

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}

[CollectionDefinition(Name)]
public sealed class PgBouncerAppHostCollection : ICollectionFixture<PgBouncerAppHostFixture>
{
    public const string Name = "AppHost with PgBouncer";
}
