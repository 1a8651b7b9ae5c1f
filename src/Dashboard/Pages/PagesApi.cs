using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tenancy.Dashboard.Pages;

/// <summary>The pages: one HTML shell and its script and styles, embedded in the assembly (no files to deploy, no packages).</summary>
internal static class PagesApi
{
    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("/", "wwwroot/index.html", "text/html; charset=utf-8"),
        ("/app.js", "wwwroot/app.js", "text/javascript; charset=utf-8"),
        ("/app.css", "wwwroot/app.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapDashboardPages(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, resource, contentType) in Assets)
        {
            var content = Read(resource);
            endpoints.MapGet(path, () => Results.Bytes(content, contentType)).ExcludeFromDescription();
        }

        return endpoints;
    }

    private static byte[] Read(string resource)
    {
        using var stream = typeof(PagesApi).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the dashboard assembly lacks its page '{resource}'");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
