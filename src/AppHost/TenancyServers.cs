namespace Tenancy.AppHost;

/// <summary>The PostgreSQL database (its owner), the application role, the Redis cache and the blob storage the services use.</summary>
internal sealed record TenancyServers(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResourceWithConnectionString>? ApplicationRole,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResourceWithConnectionString> Files)
{
    public const string DatabaseName = "tenancydb";
    public const string ApplicationRoleName = "tenancydb-app";
    public const string CacheName = "cache";
    public const string FilesName = "files";

    // Tenant data is served by a role that owns nothing and cannot bypass row-level security; tenancydb stays the owner (DDL).
    private const string ApplicationRoleLogin = "tenancy_app";

    /// <summary>
    /// Existing servers when <c>ConnectionStrings:tenancydb</c> / <c>ConnectionStrings:cache</c> / <c>ConnectionStrings:files</c> name them; else
    /// Aspire's PostgreSQL and Redis containers (and the Azurite image) where a container runtime answers; else the same resources as
    /// local server processes (<see cref="ContainerRuntime"/>).
    /// </summary>
    public static TenancyServers Add(IDistributedApplicationBuilder builder)
    {
        var containers = builder.UseContainers();
        IResourceBuilder<IResourceWithConnectionString> database;
        IResourceBuilder<IResourceWithConnectionString>? applicationRole;
        if (builder.Configuration.GetConnectionString(DatabaseName) is not null)
        {
            // An existing server: its roles are its operator's, so the AppHost makes none there.
            database = builder.AddConnectionString(DatabaseName);
            applicationRole = builder.Configuration.GetConnectionString(ApplicationRoleName) is not null
                ? builder.AddConnectionString(ApplicationRoleName)
                : null;
        }
        else if (containers)
        {
            var owner = builder.AddPostgres("postgres").WithDataVolume().AddDatabase(DatabaseName);
            (database, applicationRole) = (owner, owner.AddRole(ApplicationRoleName, ApplicationRoleLogin));
        }
        else
        {
            var owner = builder.AddLocalPostgres("postgres").AddDatabase(DatabaseName);
            (database, applicationRole) = (owner, owner.AddRole(ApplicationRoleName, ApplicationRoleLogin));
        }

        var cache = builder.Configuration.GetConnectionString(CacheName) is not null
            ? builder.AddConnectionString(CacheName)
            : containers
                ? builder.AddRedis(CacheName)
                : builder.AddLocalRedis(CacheName);
        // Tenant files: Azurite's blob service, the emulator of the storage account the Bicep makes.
        var files = builder.Configuration.GetConnectionString(FilesName) is not null
            ? builder.AddConnectionString(FilesName)
            : containers
                ? builder.AddAzuriteContainer(FilesName)
                : builder.AddLocalAzurite(FilesName);
        return new TenancyServers(database, applicationRole, cache, files);
    }
}
