using Microsoft.Extensions.Configuration;

namespace Tenancy.Hosting;

/// <summary>Describes the resources of a distributed application, like Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed class DistributedApplicationBuilder
{
    // Set by the testing builder: Build() hands the builder over instead of returning an application.
    private static readonly AsyncLocal<Action<DistributedApplicationBuilder>?> BuildInterceptor = new();

    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        Configuration = new ConfigurationManager();
        Configuration.SetBasePath(AppContext.BaseDirectory);
        Configuration.AddJsonFile("appsettings.json", optional: true);
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(args);
    }

    public ConfigurationManager Configuration { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"a resource named '{resource.Name}' already exists");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>A builder for a resource already in the graph, so a test can reference or extend it.</summary>
    public IResourceBuilder<T> CreateResourceBuilder<T>(string name) where T : Resource =>
        _resources.OfType<T>().FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) is { } resource
            ? new ResourceBuilder<T>(resource, this)
            : throw new ArgumentException($"no {typeof(T).Name} named '{name}'", nameof(name));

    public DistributedApplication Build()
    {
        if (BuildInterceptor.Value is { } intercept)
        {
            intercept(this);
            throw new BuilderCapturedException();
        }

        return new DistributedApplication(this);
    }

    public Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new DistributedApplication(this));

    internal static IDisposable InterceptBuild(Action<DistributedApplicationBuilder> intercept)
    {
        BuildInterceptor.Value = intercept;
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => BuildInterceptor.Value = null;
    }

    /// <summary>Stops the AppHost's entry point right after it has described its resources.</summary>
    internal sealed class BuilderCapturedException() : Exception("The AppHost's builder was captured for testing.");
}
