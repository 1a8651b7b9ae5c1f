using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Trace;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Resolution;
using Tenancy.Telemetry;

namespace Tenancy;

public static class TenancyExtensions
{
    /// <summary>
    /// The tenancy core over the PostgreSQL database named <paramref name="connectionName"/>: registry, cached
    /// lookups, tenant scopes, provisioning, migrations and deletion. Tenant data lives in the
    /// <typeparamref name="TTenantDbContext"/>, whose EF Core migrations are the tenant migrations.
    /// </summary>
    public static IHostApplicationBuilder AddTenancy<TTenantDbContext>(this IHostApplicationBuilder builder, string connectionName = "tenancydb")
        where TTenantDbContext : TenantDbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured; run through the AppHost or set ConnectionStrings__{connectionName}.");
        var services = builder.Services;

        services.TryAddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        // A pooler in front of PostgreSQL cannot carry a LISTEN; "{name}-direct" bypasses it when one is used.
        services.AddSingleton(new RegistryConnection(builder.Configuration.GetConnectionString(connectionName + "-direct") ?? connectionString));
        services.AddOptions<TenancyOptions>().Bind(builder.Configuration.GetSection(TenancyOptions.SectionName));
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TenancyOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextFactory<RegistryDbContext>((sp, options) => options.UseRegistry(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddDbContext<TTenantDbContext>(
            (sp, options) => options
                .UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(TenantSchemaInterceptor.Instance),
            optionsLifetime: ServiceLifetime.Singleton);

        services.AddSingleton<TenantContext>();
        services.AddSingleton<ITenantContextAccessor>(sp => sp.GetRequiredService<TenantContext>());
        services.AddSingleton<TenantLookup>();
        services.AddHostedService<RegistryChangeListener>();
        services.AddSingleton<TenantScopeFactory>();
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
            tracing.AddProcessor(new TenantActivityProcessor(sp.GetRequiredService<ITenantContextAccessor>())));

        services.AddSingleton<TenantValidation>();
        services.AddSingleton<TenantProvisioner>();
        services.AddScoped<TenantRegistry>();
        services.AddSingleton<TenantDataReaper>();

        services.AddSingleton(sp =>
        {
            // Generating the SQL needs a context instance, not a tenant or a connection.
            using var scope = sp.CreateScope();
            return TenantMigrationCatalog.FromDbContext(scope.ServiceProvider.GetRequiredService<TTenantDbContext>());
        });
        services.AddSingleton<TenantMigrationRunner>();
        services.AddSingleton<StartupMigrator>();
        services.AddSingleton<Exec.TenantSqlRunner>();
        return builder;
    }
}
