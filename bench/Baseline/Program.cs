using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Tenancy.Benchmarks.Baseline;

// A plain single-schema web app: minimal API + EF Core Npgsql over public.products, behind the same JWT bearer
// validation as the Api. Started by the benchmark runner with ConnectionStrings__benchdb, Baseline__SigningKey and
// ASPNETCORE_URLS; the same environment and logging settings as the Api.
var builder = WebApplication.CreateBuilder(args);
var withServiceDefaults = builder.Configuration.GetValue("Baseline:ServiceDefaults", false);
if (withServiceDefaults)
{
    // The Api's stack without tenancy: ServiceDefaults and Aspire's Npgsql client integration (its tracing and metrics).
    builder.AddServiceDefaults();
    builder.AddNpgsqlDataSource("benchdb");
}
else
{
    var connectionString = builder.Configuration.GetConnectionString("benchdb")
        ?? throw new InvalidOperationException("ConnectionStrings:benchdb is not configured.");
    builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
}

builder.Services.AddDbContext<BaselineDbContext>(
    (sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()).UseSnakeCaseNamingConvention(),
    optionsLifetime: ServiceLifetime.Singleton);
builder.Services.AddValidation();

var signingKey = builder.Configuration["Baseline:SigningKey"]
    ?? throw new InvalidOperationException("Baseline:SigningKey is not configured.");
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
{
    // What the Api checks of a token (Tenancy.Accounts' TokenIssuer.ValidationParameters), with the Api's key.
    jwt.MapInboundClaims = false;
    jwt.SaveToken = false;
    jwt.TokenValidationParameters = new TokenValidationParameters
    {
        ValidIssuer = "tenancy",
        ValidAudiences = ["tenancy-tenant", "tenancy-platform"],
        IssuerSigningKey = new SymmetricSecurityKey(Convert.FromBase64String(signingKey)) { KeyId = builder.Configuration["Baseline:SigningKeyId"] },
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(5),
        NameClaimType = "email",
    };
});
builder.Services.AddAuthorization();
builder.Services.AddSingleton<ProductsInMemory>();

var app = builder.Build();
if (withServiceDefaults)
{
    app.MapDefaultEndpoints();
}
else
{
    app.MapGet("/health", () => "Healthy");
}

app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/api/products", ProductsEndpoint.ListProducts).RequireAuthorization();
// The limit for an answer served from memory: the same JSON bytes, behind the same token check, nothing else.
app.MapGet("/api/memory/products", async (ProductsInMemory page, CancellationToken cancellationToken) =>
    Results.Bytes(await page.GetAsync(cancellationToken), "application/json; charset=utf-8")).RequireAuthorization();
app.Run();
