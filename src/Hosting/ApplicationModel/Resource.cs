namespace Tenancy.Hosting;

/// <summary>A process or server the AppHost runs and watches, in the spirit of Aspire's resources.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    public abstract string Type { get; }

    public ResourceState State { get; internal set; } = ResourceState.NotStarted;

    /// <summary>The process the AppHost started for this resource, if it started one.</summary>
    public virtual int? ProcessId => null;

    /// <summary>Where a person reaches the resource, for the resource table.</summary>
    public virtual string? DisplayUrl => null;

    /// <summary>How many times the resource was started again after its first start (from the dashboard or a test).</summary>
    public int Restarts { get; internal set; }

    /// <summary>The environment the resource's process was started with, secrets included: mask before showing it.</summary>
    public virtual IReadOnlyDictionary<string, string> EnvironmentVariables => System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    internal List<Resource> Dependencies { get; } = [];

    /// <summary>Checks everything that can be known before anything starts, so a bad set-up fails in one line.</summary>
    internal virtual void Validate(AppHostContext context) { }

    /// <summary>Starts the resource and returns once it is ready to serve.</summary>
    internal abstract Task StartAsync(AppHostContext context, CancellationToken cancellationToken);

    internal virtual Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public enum ResourceState
{
    NotStarted,
    Starting,
    Running,
    Stopping,
    Stopped,
    Exited,
    FailedToStart,
}

/// <summary>A resource that services reach through <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    string? ConnectionString { get; }
}
