using Tenancy;
using Tenancy.Caching;
using Tenancy.Jobs;
using Tenancy.Sales;
using Tenancy.Usage;
using Tenancy.Worker;
using Tenancy.Worker.Jobs;

var builder = Host.CreateApplicationBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddNpgsqlDataSource("tenancydb");
// The cache and the jobs' fairness counters: jobs keep running while Redis is away.
builder.AddRedisClient("cache", configureOptions: OptionalRedis.Configure);
builder.AddTenancy<SalesDbContext>("tenancydb");
// Before the job server: jobs start on a migrated registry and tenant schemas.
builder.Services.AddHostedService<StartupMigrations>();
builder.AddTenantCaching();
builder.AddTenantJobs();
builder.AddTenantJobServer();
// Jobs run per tenant and day, flushed to tenancy.tenant_usage like the Api's requests.
builder.AddTenantUsage();
builder.AddSalesJobs();
builder.Services.AddHostedService<DependencyReport>();
builder.Services.AddHostedService<DeletedTenantSweeper>();
builder.Services.AddHostedService<AbandonedProvisioningSweeper>();

builder.Build().Run();
