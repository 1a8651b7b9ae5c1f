using Tenancy;
using Tenancy.Caching;
using Tenancy.Sales;
using Tenancy.Worker;

var builder = Host.CreateApplicationBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddNpgsqlDataSource("tenancydb");
builder.AddRedisClient("cache");
builder.AddTenancy<SalesDbContext>("tenancydb");
builder.AddTenantCaching();
builder.Services.AddHostedService<DependencyReport>();
builder.Services.AddHostedService<DeletedTenantSweeper>();

builder.Build().Run();
