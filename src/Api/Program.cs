using Scalar.AspNetCore;
using Tenancy.Accounts;
using Tenancy.Api.Auth;
using Tenancy.Api.Extensions;
using Tenancy.Api.Files;
using Tenancy.Api.Jobs;
using Tenancy.Api.Migrations;
using Tenancy.Api.Sales;
using Tenancy.Api.Tenants;
using Tenancy.Api.Usage;
using Tenancy.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseTenancy();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapScalarApiReference();

app.MapAuthApi();
app.MapMembersApi();
app.MapCurrentTenantApi();
app.MapCurrentTenantFeaturesApi();
app.MapInvitationsApi();
app.MapTenantsApi();
app.MapMigrationsApi();
app.MapSalesApi();
app.MapJobsApi();
app.MapUsageApi();
app.MapFilesApi();

app.Run();
