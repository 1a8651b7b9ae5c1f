namespace Tenancy.EndToEndTests;

/// <summary>
/// The AppHost's system with a second replica of the Api (a test can add resources to the graph before building it),
/// for what must hold across instances: cache invalidation, membership removal. Started anew per test.
/// </summary>
public sealed class TwoApiInstances : IAsyncDisposable
{
    private TwoApiInstances(DistributedApplication app, InvitationMailbox mailbox)
    {
        App = app;
        First = new TenancyClient(app.CreateHttpClient("api")) { Mailbox = mailbox };
        Second = new TenancyClient(app.CreateHttpClient("api-replica"));
    }

    public DistributedApplication App { get; }

    public TenancyClient First { get; }

    public TenancyClient Second { get; }

    public static async Task<TwoApiInstances> StartAsync()
    {
        var builder = await TestAppHost.CreateAsync();
        // The Api's own launch profile (its environment); tests randomize the port it names.
        builder.AddProject<Projects.Api>("api-replica", launchProfileName: "http")
            .WithHttpHealthCheck("/health")
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("tenancydb"))
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("tenancydb-app"))
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("cache"))
            .WaitFor(builder.CreateResourceBuilder<ProjectResource>("api"));
        var app = await builder.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await app.ResourceNotifications.WaitForResourceHealthyAsync("api-replica", timeout.Token);
        return new TwoApiInstances(app, await InvitationMailbox.OfAsync(app));
    }

    public async ValueTask DisposeAsync()
    {
        First.Http.Dispose();
        Second.Http.Dispose();
        await App.StopAndDeleteAsync();
    }
}
