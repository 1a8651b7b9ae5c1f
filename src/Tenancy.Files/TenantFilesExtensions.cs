using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tenancy.Placement;

namespace Tenancy.Files;

public static class TenantFilesExtensions
{
    /// <summary>
    /// Tenant files in the Blob Storage account <c>ConnectionStrings:{connectionName}</c>: a storage connection string
    /// (Azurite, locally), or the account's blob endpoint as an https URI, reached with the app's Azure identity
    /// (<see cref="DefaultAzureCredential"/>: managed identity on Azure). Options from <c>Tenancy:Files</c>, validated
    /// at start.
    /// </summary>
    public static TenancyBuilder WithFiles(this TenancyBuilder tenancy, string connectionName = "files", Action<TenantFilesOptions>? configure = null)
    {
        if (!tenancy.TryAdd("files"))
        {
            return tenancy;
        }

        var services = tenancy.Services;
        var options = services.AddOptions<TenantFilesOptions>().Bind(tenancy.Configuration.GetSection(TenantFilesOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TenantFilesOptions>, TenantFilesValidation>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        var configuration = tenancy.Configuration;
        services.TryAddSingleton(_ => CreateClient(configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"Tenant files need ConnectionStrings:{connectionName} (a storage connection string or the blob endpoint's https URI).")));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TenantFileStore>();
        services.AddSingleton<TenantFiles>();
        // The files go with the tenant: dropped, backed up, restored and cloned with its rows.
        services.AddSingleton<ITenantExternalStore, TenantFilesExternalStore>();
        return tenancy;
    }

    /// <summary>An https URI is the account's blob endpoint, reached with a token; anything else a storage connection string (with its key).</summary>
    internal static BlobServiceClient CreateClient(string connectionString) =>
        Uri.TryCreate(connectionString, UriKind.Absolute, out var endpoint) && endpoint.Scheme == Uri.UriSchemeHttps
            ? new BlobServiceClient(endpoint, new DefaultAzureCredential())
            : new BlobServiceClient(connectionString);

    /// <summary>The reason itself, not only that the section is wrong.</summary>
    private sealed class TenantFilesValidation : IValidateOptions<TenantFilesOptions>
    {
        public ValidateOptionsResult Validate(string? name, TenantFilesOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
