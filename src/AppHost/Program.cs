var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var tenancyDb = postgres.AddDatabase("tenancydb");
// Tenant data is served by a role that owns nothing and cannot bypass row-level security; tenancydb stays the owner (DDL).
var tenancyApp = tenancyDb.AddRole("tenancydb-app", "tenancy_app");
var cache = builder.AddRedis("cache");

var api = builder.AddProject<Projects.Api>("api")
    .WithHttpEndpoint(port: builder.Configuration.GetValue("Ports:api", 5180))
    .WithHttpHealthCheck("/health")
    .WithReference(cache).WaitFor(cache);

// The first platform admin, when the AppHost's own environment names one (Tenancy__Admin__Email, Tenancy__Admin__Password);
// otherwise the Api generates one at its first start and prints it once.
foreach (var setting in new[] { "Tenancy:Admin:Email", "Tenancy:Admin:Password" })
{
    if (builder.Configuration[setting] is { Length: > 0 } value)
    {
        api.WithEnvironment(setting.Replace(":", "__", StringComparison.Ordinal), value);
    }
}

if (builder.Configuration.GetValue("UsePgBouncer", false))
{
    // As in production behind a transaction pooler; LISTEN and migrations keep a direct connection.
    var pooler = builder.AddPgBouncer("pgbouncer", tenancyDb);
    var pooledApp = pooler.AddLogin("pgbouncer-app", tenancyApp);
    api.WithReference(pooler, connectionName: "tenancydb").WaitFor(pooler)
        .WithReference(pooledApp, connectionName: "tenancydb-app").WaitFor(pooledApp)
        .WithReference(tenancyDb, connectionName: "tenancydb-direct").WaitFor(tenancyDb);
}
else
{
    api.WithReference(tenancyDb).WaitFor(tenancyDb)
        .WithReference(tenancyApp).WaitFor(tenancyApp);
}

// The Api applies the registry's migrations as it starts; the Worker starts on a migrated database.
builder.AddProject<Projects.Worker>("worker")
    .WithReference(tenancyDb).WaitFor(tenancyDb)
    .WithReference(tenancyApp).WaitFor(tenancyApp)
    .WithReference(cache).WaitFor(cache)
    .WaitFor(api);

// Resources, console output and every service's telemetry (OTLP) at the URL the resource table shows.
builder.AddDashboard();

builder.Build().Run();

/// <summary>The AppHost's entry point, named so tests can start this exact graph.</summary>
public partial class Program;
