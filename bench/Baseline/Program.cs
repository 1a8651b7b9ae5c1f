using Microsoft.EntityFrameworkCore;
using Npgsql;
using Tenancy.Benchmarks.Baseline;

// A plain single-schema web app: minimal API + EF Core Npgsql over public.products. Started by the benchmark runner
// with ConnectionStrings__benchdb and ASPNETCORE_URLS; the same environment and logging settings as the Api.
var builder = WebApplication.CreateBuilder(args);
var withServiceDefaults = builder.Configuration.GetValue("Baseline:ServiceDefaults", false);
if (withServiceDefaults)
{
    builder.AddServiceDefaults();
}

var connectionString = builder.Configuration.GetConnectionString("benchdb")
    ?? throw new InvalidOperationException("ConnectionStrings:benchdb is not configured.");
builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
builder.Services.AddDbContext<BaselineDbContext>(
    (sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()).UseSnakeCaseNamingConvention(),
    optionsLifetime: ServiceLifetime.Singleton);
builder.Services.AddValidation();

var app = builder.Build();
if (withServiceDefaults)
{
    app.MapDefaultEndpoints();
}
else
{
    app.MapGet("/health", () => "Healthy");
}

app.MapGet("/api/products", ProductsEndpoint.ListProducts);
app.Run();
