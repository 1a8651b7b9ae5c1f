using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tenancy.AppHost;

/// <summary>
/// <c>connections.json</c> in the AppHost's data folder while it runs: the connection strings the services got,
/// for the tenancy CLI on this machine (it reads the file itself, so nothing secret passes through a shell).
/// </summary>
internal static class ConnectionsFile
{
    public const string FileName = AppHostData.ConnectionsFileName;

    public static void WriteConnectionsFile(this IDistributedApplicationBuilder builder, TenancyServers servers)
    {
        var file = Path.Combine(LocalServerFolders.DataDirectory(builder.Configuration), FileName);
        IResourceWithConnectionString?[] resources = [servers.Database.Resource, servers.ApplicationRole?.Resource, servers.Cache.Resource, servers.Files.Resource];

        // The Api starts once every server it needs is ready, so their connection strings are known by then.
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resources.OfType<ProjectResource>().First(p => p.Name == "api"), async (_, cancellationToken) =>
        {
            var connectionStrings = new JsonObject();
            foreach (var resource in resources.OfType<IResourceWithConnectionString>())
            {
                connectionStrings[resource.Name] = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await using var stream = new FileStream(file, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await JsonSerializer.SerializeAsync(stream, new JsonObject { ["ConnectionStrings"] = connectionStrings },
                new JsonSerializerOptions { WriteIndented = true }, cancellationToken);
        });

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            @event.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() =>
            {
                // Gone already when the data folder was removed under a running system.
                if (File.Exists(file))
                {
                    File.Delete(file);
                }
            });
            return Task.CompletedTask;
        });
    }
}
