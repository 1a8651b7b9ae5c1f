using Tenancy.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var servers = TenancyServers.Add(builder);

var api = builder.AddProject<Projects.Api>("api")
    .WithHttpHealthCheck("/health")
    .WithCertificateOnlyForHttps()
    .WithReference(servers.Cache).WaitFor(servers.Cache)
    .WithReference(servers.Files).WaitFor(servers.Files)
    .WithPlatformAdmin()
    .WithTenancyCommands();

if (builder.Configuration.GetValue("UsePgBouncer", false) && servers.ApplicationRole is IResourceBuilder<PostgresRoleResource> role)
{
    // As in production behind a transaction pooler; LISTEN and migrations keep a direct connection.
    var pooler = builder.AddLocalPgBouncer("pgbouncer", servers.Database);
    var pooledRole = pooler.AddLogin("pgbouncer-app", role);
    api.WithReference(pooler, connectionName: TenancyServers.DatabaseName).WaitFor(pooler)
        .WithReference(pooledRole, connectionName: TenancyServers.ApplicationRoleName).WaitFor(pooledRole)
        .WithReference(servers.Database, connectionName: TenancyServers.DatabaseName + "-direct").WaitFor(servers.Database);
}
else
{
    api.WithDatabase(servers);
}

// The Api applies the registry's migrations as it starts; the Worker starts on a migrated database.
builder.AddProject<Projects.Worker>("worker")
    .WithCertificateOnlyForHttps()
    .WithDatabase(servers)
    .WithReference(servers.Cache).WaitFor(servers.Cache)
    .WithReference(servers.Files).WaitFor(servers.Files)
    .WaitFor(api);

// The web console: operators and tenant owners sign in with their Api accounts; it reaches data only through the Api.
var console = builder.AddProject<Projects.Console>("console")
    .WithHttpHealthCheck("/health")
    .WithCertificateOnlyForHttps()
    .WithReference(api)
    .WaitFor(api);
// The dashboard's address (the AppHost's own URL), so each tenant's page links to its traces there.
if (builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } dashboardUrl)
{
    console.WithEnvironment("Console__DashboardUrl", dashboardUrl);
}

// For the tenancy CLI on this machine: the running system's connection strings, readable by this user only.
builder.WriteConnectionsFile(servers);
// Services first, then the servers they use: no service sees its database vanish under it.
builder.StopServicesFirst();

builder.Build().Run();
