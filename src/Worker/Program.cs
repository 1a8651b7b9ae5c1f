using Tenancy.Worker;

var builder = Host.CreateApplicationBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddNpgsqlDataSource("tenancydb");
builder.AddRedisClient("cache");
builder.Services.AddHostedService<DependencyReport>();

builder.Build().Run();
