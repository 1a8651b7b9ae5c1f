using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Tenancy.Hosting.Testing;

/// <summary>
/// Our counterpart of Aspire.Hosting.Testing: runs the AppHost's own Program up to <c>Build()</c>, so tests get
/// exactly the graph a person runs, with throwaway data, free ports and quiet consoles.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static Task<DistributedApplicationBuilder> CreateAsync<TEntryPoint>(CancellationToken cancellationToken = default) =>
        CreateAsync<TEntryPoint>([], cancellationToken);

    /// <param name="args">Extra AppHost settings (<c>--Key=Value</c>); they win over the testing defaults.</param>
    public static Task<DistributedApplicationBuilder> CreateAsync<TEntryPoint>(string[] args, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point");

        // Short and under /tmp: the postgres OS user must reach it.
        var dataDirectory = Path.Combine(Path.GetTempPath(), "tenancy-tests", Guid.NewGuid().ToString("N")[..12]);
        string[] testingArgs =
        [
            $"--AppHost:DataDirectory={dataDirectory}",
            "--AppHost:RandomizePorts=true",
            "--AppHost:Ephemeral=true",
            "--AppHost:EchoResourceOutput=false",
            .. args,
        ];

        DistributedApplicationBuilder? captured = null;
        using (DistributedApplicationBuilder.InterceptBuild(builder => captured = builder))
        {
            try
            {
                var result = entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [testingArgs]);
                if (result is Task task)
                {
                    task.GetAwaiter().GetResult();
                }
            }
            catch (TargetInvocationException ex) when (ex.InnerException is DistributedApplicationBuilder.BuilderCapturedException)
            {
            }
            catch (DistributedApplicationBuilder.BuilderCapturedException)
            {
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            }
        }

        return Task.FromResult(captured ?? throw new InvalidOperationException("The AppHost's entry point never called Build()."));
    }
}
