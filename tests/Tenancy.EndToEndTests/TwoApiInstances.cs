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

    /// <param name="environment">Settings every service gets (both Api instances and the Worker: <c>Tenancy__…</c>), for a fixture of its own.</param>
    public static async Task<TwoApiInstances> StartAsync(params (string Name, string Value)[] environment)
    {
        var builder = await TestAppHost.CreateAsync();
        // The Api's own launch profile (its environment); tests randomize the port it names.
        var replica = builder.AddProject<Projects.Api>("api-replica", launchProfileName: "http")
            .WithHttpHealthCheck("/health")
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("tenancydb"))
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("tenancydb-app"))
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("cache"))
            .WithReference(builder.CreateResourceBuilder<IResourceWithConnectionString>("files"))
            .WaitFor(builder.CreateResourceBuilder<ProjectResource>("api"));
        foreach (var service in builder.Resources.OfType<ProjectResource>().ToList())
        {
            foreach (var (name, value) in environment)
            {
                builder.CreateResourceBuilder(service).WithEnvironment(name, value);
            }
        }

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
