using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tenancy.Hosting;
using Tenancy.Hosting.Processes;

namespace Tenancy.Dashboard.Api;

public sealed record ResourceView(
    string Name,
    string Type,
    string State,
    int? ProcessId,
    string? Url,
    int Restarts,
    string? ConnectionString,
    IReadOnlyDictionary<string, string> Environment);

public sealed record ConsoleView(string Resource, IReadOnlyList<string> Lines);

/// <summary>The AppHost's resources as it runs them, and each one's console output.</summary>
internal static class ResourcesApi
{
    public static IEndpointRouteBuilder MapResourcesApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api");
        api.MapGet("/resources", (DashboardResource dashboard) => dashboard.Resources.Select(View).ToList());
        api.MapGet("/resources/{name}/console", (string name, DashboardResource dashboard) =>
            dashboard.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)) is { } resource
                && dashboard.Console is { } console
                ? Results.Ok(new ConsoleView(resource.Name, console.GetLines(resource.Name)))
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown resource", detail: $"no resource named '{name}'"));
        return endpoints;
    }

    private static ResourceView View(Resource resource) => new(
        resource.Name,
        resource.Type,
        resource.State.ToString(),
        // A stopped or exited resource has no process any more, only the id it had.
        resource.State is ResourceState.Starting or ResourceState.Running or ResourceState.Stopping ? resource.ProcessId : null,
        resource.DisplayUrl,
        resource.Restarts,
        resource is IResourceWithConnectionString { ConnectionString: { } connectionString } ? SecretMasker.MaskConnectionString(connectionString) : null,
        resource.EnvironmentVariables
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToDictionary(e => e.Key, e => SecretMasker.MaskValue(e.Key, e.Value)));
}
