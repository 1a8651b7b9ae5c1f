var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var tenancyDb = postgres.AddDatabase("tenancydb");
var cache = builder.AddRedis("cache");

var api = builder.AddProject<Projects.Api>("api")
    .WithHttpEndpoint(port: builder.Configuration.GetValue("Ports:api", 5180))
    .WithHttpHealthCheck("/health")
    .WithReference(tenancyDb).WaitFor(tenancyDb)
    .WithReference(cache).WaitFor(cache);

// The Api applies the registry's migrations as it starts; the Worker starts on a migrated database.
builder.AddProject<Projects.Worker>("worker")
    .WithReference(tenancyDb).WaitFor(tenancyDb)
    .WithReference(cache).WaitFor(cache)
    .WaitFor(api);

builder.Build().Run();

/// <summary>The AppHost's entry point, named so tests can start this exact graph.</summary>
public partial class Program;
