using Tenancy;
using Tenancy.Caching;
using Tenancy.Files;
using Tenancy.Jobs;
using Tenancy.Sales;
using Tenancy.Usage;
using Tenancy.Worker;
using Tenancy.Worker.Jobs;

var builder = Host.CreateApplicationBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddTenancy<SalesDbContext>("tenancydb")
    // In a cloud deploy the Worker is the one that migrates, tenants included; the Api waits for it.
    .WithStartupMigrations(migrations => migrations.ApplyToTenantsOnStartup = true)
    // The cache and the jobs' fairness counters: jobs keep running while Redis is away.
    .WithCaching("cache")
    .WithJobServer()
    // Jobs run per tenant and day, flushed to tenancy.tenant_usage like the Api's requests.
    .WithUsage()
    // Deleted tenants' files go with their data (DeletedTenantSweeper).
    .WithFiles("files");
builder.AddSalesJobs();
builder.Services.AddHostedService<DependencyReport>();
builder.Services.AddHostedService<DeletedTenantSweeper>();
builder.Services.AddHostedService<AbandonedProvisioningSweeper>();

builder.Build().Run();
