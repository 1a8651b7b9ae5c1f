using Tenancy.Hosting;
using Tenancy.Hosting.Testing;

namespace Tenancy.EndToEndTests;

/// <summary>
/// The AppHost's system with a second replica of the Api (a test can add resources to the graph before building it),
/// for what must hold across instances: cache invalidation, membership removal. Started anew per test.
/// </summary>
public sealed class TwoApiInstances : IAsyncDisposable
{
    private TwoApiInstances(DistributedApplication app)
    {
        App = app;
        First = new TenancyClient(app.CreateHttpClient("api"));
        Second = new TenancyClient(app.CreateHttpClient("api-replica"));
    }

    public DistributedApplication App { get; }

    public TenancyClient First { get; }

    public TenancyClient Second { get; }

    public static async Task<TwoApiInstances> StartAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        builder.AddProject<Projects.Api>("api-replica")
            .WithHttpEndpoint()
            .WithHttpHealthCheck("/health")
            .WithReference(builder.CreateResourceBuilder<PostgresDatabaseResource>("tenancydb"))
            .WithReference(builder.CreateResourceBuilder<PostgresRoleResource>("tenancydb-app"))
            .WithReference(builder.CreateResourceBuilder<RedisResource>("cache"))
            .WaitFor(builder.CreateResourceBuilder<ProjectResource>("api"));
        var app = await builder.BuildAsync();
        await app.StartAsync();
        return new TwoApiInstances(app);
    }

    public async ValueTask DisposeAsync()
    {
        First.Http.Dispose();
        Second.Http.Dispose();
        await App.DisposeAsync();
    }
}
