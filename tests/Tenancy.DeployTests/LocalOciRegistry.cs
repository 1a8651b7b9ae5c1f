using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Tenancy.DeployTests;

/// <summary>
/// A read-only registry (the pull side of the OCI distribution API) on a loopback port, serving one image. The
/// .NET SDK talks plain HTTP to registries on localhost, so container publishing can take its base image from here.
/// </summary>
internal sealed class LocalOciRegistry : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalOciRegistry(WebApplication app, string host)
    {
        _app = app;
        Host = host;
    }

    /// <summary><c>localhost:{port}</c>, the registry part of an image reference.</summary>
    public string Host { get; }

    public static async Task<LocalOciRegistry> StartAsync(string repository, string tag, LocalBaseImage image)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();

        app.MapMethods("/v2/", ["GET", "HEAD"], (HttpResponse response) =>
        {
            response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
            return Results.Json(new { });
        });
        app.MapMethods($"/v2/{repository}/manifests/{{reference}}", ["GET", "HEAD"], (string reference, HttpResponse response) =>
        {
            if (reference != tag && reference != image.Manifest.Digest)
            {
                return Results.NotFound();
            }

            response.Headers["Docker-Content-Digest"] = image.Manifest.Digest;
            return Results.File(image.Manifest.Path, image.Manifest.MediaType);
        });
        app.MapMethods($"/v2/{repository}/blobs/{{digest}}", ["GET", "HEAD"], (string digest, HttpResponse response) =>
        {
            if (!image.Blobs.TryGetValue(digest, out var blob))
            {
                return Results.NotFound();
            }

            response.Headers["Docker-Content-Digest"] = blob.Digest;
            return Results.File(blob.Path, "application/octet-stream");
        });

        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new LocalOciRegistry(app, $"localhost:{address.Port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
