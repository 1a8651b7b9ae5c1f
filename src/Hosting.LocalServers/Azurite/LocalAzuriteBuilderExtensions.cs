using Aspire.Hosting.ApplicationModel;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class LocalAzuriteBuilderExtensions
{
    /// <summary>The npm package the emulator comes from, at the version the install script puts in place.</summary>
    public const string InstallHint = "install it with 'npm install -g azurite@3.37.0' (eng/install-prerequisites.sh does) or set AppHost:Azurite:Executable";

    /// <summary>The image the container model runs: the same emulator, same version.</summary>
    public const string ContainerImage = "azure-storage/azurite";

    public const string ContainerTag = "3.37.0";

    /// <summary>
    /// Azurite's blob service from the machine (<c>AppHost:Azurite:Executable</c>, else <c>azurite-blob</c> on PATH),
    /// for machines without a container runtime. Its account key is kept in the AppHost's data folder, made on the
    /// first run (never the emulator's well-known development key), and its blobs in the data folder too.
    /// </summary>
    public static IResourceBuilder<LocalAzuriteResource> AddLocalAzurite(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var dataDirectory = LocalServerFolders.DataDirectory(builder.Configuration);
        var key = builder.AddAccountKey(name, dataDirectory);
        var configured = builder.Configuration["AppHost:Azurite:Executable"];
        // Checked before anything starts: the AppHost stops with the reason instead of waiting on a server that cannot run.
        var executable = (configured is { Length: > 0 } ? (File.Exists(configured) ? configured : null) : LocalProcess.Find("azurite-blob", "/usr/bin/azurite-blob", "/usr/local/bin/azurite-blob"))
            ?? throw new DistributedApplicationException(configured is { Length: > 0 }
                ? $"azurite-blob not found at AppHost:Azurite:Executable '{configured}': {InstallHint}"
                : $"azurite-blob not found: {InstallHint}");
        var (command, leadingArgs) = LocalProcess.WithCleanEnvironment("/bin/sh");
        var azurite = new LocalAzuriteResource(name, command, Path.Combine(dataDirectory, name), key.Resource);
        var port = LocalProcess.FreePort();
        var accountsFile = Path.Combine(azurite.Folder, "accounts");

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(azurite, async (_, cancellationToken) =>
        {
            Directory.CreateDirectory(azurite.DataFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var secret = await key.Resource.GetValueAsync(cancellationToken);
            await using (var stream = new FileStream(accountsFile, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync($"{LocalAzuriteResource.AccountName}:{secret}");
            }

            File.SetUnixFileMode(accountsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        });

        var healthCheckKey = $"{name}_check";
        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(azurite, async (_, cancellationToken) =>
            connectionString = await azurite.ConnectionStringExpression.GetValueAsync(cancellationToken));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new AzuriteHealthCheck(() => connectionString), failureStatus: default, tags: default));

        // Azurite reads its accounts from the environment alone: a shell in the empty environment puts them there from
        // the file, then becomes the emulator (exec), so the stop signal reaches it.
        string[] serverArgs =
        [
            "-c", "export AZURITE_ACCOUNTS=\"$(cat \"$0\")\" && exec \"$@\"", accountsFile, executable,
            "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", azurite.DataFolder,
            // The Azure SDK may be newer than the emulator; the account rides in the path (http://host:port/account).
            "--skipApiVersionCheck", "--disableProductStyleUrl",
            // No access log on the console; telemetry would phone home.
            "--silent", "--disableTelemetry",
        ];
        return builder.AddResource(azurite)
            .WithEndpoint(port: port, targetPort: port, scheme: "http", name: LocalAzuriteResource.PrimaryEndpointName, isProxied: false)
            .WithArgs([.. leadingArgs, .. serverArgs])
            .WithIconName("Storage")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>The same emulator as a container, for <c>AppHost:Containers</c>; its blobs in a named volume.</summary>
    public static IResourceBuilder<AzuriteContainerResource> AddAzuriteContainer(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        var key = builder.AddAccountKey(name, LocalServerFolders.DataDirectory(builder.Configuration));
        var azurite = new AzuriteContainerResource(name, key.Resource);
        return builder.AddResource(azurite)
            .WithImage(ContainerImage, ContainerTag)
            .WithImageRegistry("mcr.microsoft.com")
            .WithEntrypoint("azurite-blob")
            .WithArgs("--blobHost", "0.0.0.0", "--blobPort", "10000", "--location", "/data",
                "--skipApiVersionCheck", "--disableProductStyleUrl", "--silent", "--disableTelemetry")
            .WithEnvironment(context => context.EnvironmentVariables["AZURITE_ACCOUNTS"] =
                ReferenceExpression.Create($"{LocalAzuriteResource.AccountName}:{key.Resource}"))
            .WithHttpEndpoint(targetPort: 10000, name: AzuriteContainerResource.PrimaryEndpointName)
            .WithVolume($"{name}-data", "/data")
            .WithIconName("Storage");
    }

    /// <summary>A base64 account key (as Azure's are), generated once and kept with the data it guards.</summary>
    private static IResourceBuilder<ParameterResource> AddAccountKey(this IDistributedApplicationBuilder builder, string name, string dataDirectory) =>
        builder.AddParameter($"{name}-key", () => Convert.ToBase64String(Convert.FromHexString(LocalServerFolders.ReadOrCreateSecret(dataDirectory, $"{name}.key"))), secret: true);

    /// <summary>Healthy when the blob service answers an authenticated call: the account and its key work.</summary>
    private sealed class AzuriteHealthCheck(Func<string?> connectionString) : IHealthCheck
    {
        private BlobServiceClient? _client;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (connectionString() is not { } value)
            {
                return HealthCheckResult.Unhealthy("Connection string is unavailable");
            }

            try
            {
                _client ??= new BlobServiceClient(value, new BlobClientOptions { Retry = { MaxRetries = 0 } });
                await _client.GetPropertiesAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        }
    }
}
