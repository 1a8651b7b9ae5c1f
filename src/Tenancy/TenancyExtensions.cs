using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Trace;
using Tenancy.Changes;
using Tenancy.Context;
using Tenancy.Deletion;
using Tenancy.Isolation;
using Tenancy.Migrations;
using Tenancy.Moves;
using Tenancy.Placement;
using Tenancy.Provisioning;
using Tenancy.Registry;
using Tenancy.Resolution;
using Tenancy.Telemetry;

namespace Tenancy;

public static class TenancyExtensions
{
    // What EF Core needs of a context type, as Aspire's EnrichNpgsqlDbContext declares it.
    private const DynamicallyAccessedMemberTypes RequiredByEF =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.NonPublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties;

    /// <summary>
    /// The tenancy core over the PostgreSQL database named <paramref name="connectionName"/> (Aspire's Npgsql client
    /// integration, with its health check and telemetry, unless a data source is already registered): registry, cached
    /// lookups, tenant scopes, provisioning, migrations and deletion. Tenant data lives in the
    /// <typeparamref name="TTenantDbContext"/>, whose EF Core migrations are the tenant migrations. Extend the result
    /// with <c>WithXxx</c>: <c>builder.AddTenancy&lt;AppDbContext&gt;("tenancydb").WithStartupMigrations().WithCaching("cache")</c>.
    /// </summary>
    /// <param name="applicationRole">
    /// The role to grant tenant stores to when <c>ConnectionStrings:{name}-app</c> is not configured (see
    /// <see cref="TenantStoreConnections"/>); the owner then still serves the tenant data this host reads.
    /// </param>
    public static TenancyBuilder AddTenancy<TTenantDbContext>(this IHostApplicationBuilder builder, string connectionName = "tenancydb", string? applicationRole = null)
        where TTenantDbContext : TenantDbContext
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{connectionName} is not configured; run through the AppHost or set ConnectionStrings__{connectionName}.");
        var services = builder.Services;
        if (services.Any(service => service.ServiceType == typeof(TenancyFeatures)))
        {
            throw new InvalidOperationException("AddTenancy is called once per host; extend its result with WithXxx instead.");
        }

        var features = new TenancyFeatures();
        services.AddSingleton(features);
        if (!services.Any(service => service.ServiceType == typeof(NpgsqlDataSource)))
        {
            builder.AddNpgsqlDataSource(connectionName);
        }

        // A pooler in front of PostgreSQL cannot carry a LISTEN; "{name}-direct" bypasses it when one is used.
        services.AddSingleton(new RegistryConnection(builder.Configuration.GetConnectionString(connectionName + "-direct") ?? connectionString));
        services.AddOptions<TenancyOptions>().Bind(builder.Configuration.GetSection(TenancyOptions.SectionName))
            // Requests' hosts are compared normalized: "Example.com" would never match.
            .Validate(o => o.RootDomains.All(r => Tenants.HostName.Normalize(r) == r) && !string.IsNullOrWhiteSpace(o.DefaultPlan),
                "Tenancy: every RootDomains entry is a normalized host name (lower-case, ASCII, no trailing dot), and DefaultPlan is set.")
            .Validate(o => o.Plans.Values.All(limits => limits.Values.All(max => max >= 0)), "Tenancy:Plans: every named limit is 0 or more.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TenancyOptions>>().Value);
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextFactory<RegistryDbContext>((sp, options) => options.UseRegistry(sp.GetRequiredService<NpgsqlDataSource>()));
        builder.EnrichTenancyDbContext<RegistryDbContext>();
        // Tenant data: the application role ("{name}-app") when configured, so row-level security binds it.
        var applicationConnectionString = builder.Configuration.GetConnectionString(connectionName + "-app");
        // DDL on tenant databases (CREATE DATABASE, migrations) bypasses a pooler, as the registry's migrations do.
        var ownerConnectionString = builder.Configuration.GetConnectionString(connectionName + "-direct") ?? connectionString;
        services.AddSingleton(sp => new TenantStoreConnections(sp.GetRequiredService<IConfiguration>(), ownerConnectionString, applicationConnectionString, applicationRole));
        services.AddSingleton(sp => new TenantApplicationDataSource(
            applicationConnectionString is null ? sp.GetRequiredService<NpgsqlDataSource>() : NpgsqlDataSource.Create(applicationConnectionString)));
        services.AddOptions<TenantDatabaseOptions>().Bind(builder.Configuration.GetSection(TenantDatabaseOptions.SectionName))
            .Validate(o => o.IsValid(), TenantDatabaseOptions.Rule).ValidateOnStart();
        services.AddSingleton(sp => new TenantDatabasePools(sp.GetRequiredService<IOptions<TenantDatabaseOptions>>().Value));
        services.AddScoped<TenantConnection>();
        services.AddSingleton<TenantWriteGuard>();
        services.AddSingleton<TenantStoreBuilder>();
        services.AddSingleton<Backup.TenantBackupService>();
        services.AddSingleton<TenantStoreProbe>();
        services.AddOptions<TenantMoveOptions>().Bind(builder.Configuration.GetSection(TenantMoveOptions.SectionName))
            .Validate(o => o.FreezeSeconds > 0 && o.GraceMilliseconds >= 0 && o.GraceMilliseconds < o.FreezeSeconds * 1000L, TenantMoveOptions.Rule)
            .ValidateOnStart();
        services.AddSingleton<TenantMover>();
        // Contexts come from a pool and are bound to the scope's tenant and TenantConnection as each scope takes one:
        // options are built once for the process, and a request answered from the cache constructs no context. The
        // connection, which depends on the tenant (a database-tier tenant has its own pool), is handed over when the
        // context first connects. The pool is this registration's own: no caller can take a context that is not bound.
        // Not enriched (EnrichNpgsqlDbContext): its DbContext health check would need a tenant, which no health check
        // has, and its retries would refuse the explicit transactions; its tracing and metrics are Npgsql's, which the
        // data source's integration already records for every connection, this context's included.
        services.AddSingleton(sp => new TenantDbContextPool<TTenantDbContext>(new DbContextOptionsBuilder<TTenantDbContext>()
            .UseApplicationServiceProvider(sp)
            .UseNpgsql()
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(TenantConnectionInterceptor.Instance, TenantSchemaInterceptor.Instance, TenantRowSecurityTransactionInterceptor.Instance, sp.GetRequiredService<TenantWriteGuard>())
            .AddInterceptors(sp.GetKeyedServices<IInterceptor>(TenantDbContextInterceptors.Key))
            .Options));
        services.AddScoped(sp => sp.GetRequiredService<TenantDbContextPool<TTenantDbContext>>()
            .Rent(sp.GetRequiredService<ITenantContextAccessor>().Current, sp.GetRequiredService<TenantConnection>()));
        // For capabilities that work in any application's tenant store (the job outbox).
        services.AddScoped<TenantDbContext>(sp => sp.GetRequiredService<TTenantDbContext>());

        services.AddSingleton<TenantContext>();
        services.AddSingleton<ITenantContextAccessor>(sp => sp.GetRequiredService<TenantContext>());
        services.AddSingleton<TenantLookup>();
        services.AddSingleton<ITenantLookup>(sp => sp.GetRequiredService<TenantLookup>());
        services.AddChangeSubscriber<TenantLookup>();
        services.AddSingleton<DroppedDatabaseSubscriber>();
        services.AddChangeSubscriber<DroppedDatabaseSubscriber>();
        services.AddHostedService<ChangeListener>();
        services.AddSingleton<TenantScopeFactory>();
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
            tracing.AddProcessor(new TenantActivityProcessor(sp.GetRequiredService<ITenantContextAccessor>())));
        services.AddOptions<TenantMetricsOptions>().Bind(builder.Configuration.GetSection(TenantMetricsOptions.SectionName));
        services.AddSingleton<TenantMetricTags>();

        services.AddSingleton<TenantValidation>();
        services.AddSingleton<TenantProvisioner>();
        services.AddOptions<ProvisioningOptions>().Bind(builder.Configuration.GetSection(ProvisioningOptions.SectionName))
            .Validate(o => o.AbandonAfterSeconds > 0 && o.SweepIntervalSeconds > 0, $"{ProvisioningOptions.SectionName}: AbandonAfterSeconds and SweepIntervalSeconds are positive.")
            .ValidateOnStart();
        services.AddSingleton<AbandonedProvisioningReaper>();
        services.AddSingleton<TenantRegistry>();
        services.AddSingleton<Lifecycle.TenantLifecycle>();
        services.AddSingleton<TenantDataReaper>();
        services.AddOptions<DeletionOptions>().Bind(builder.Configuration.GetSection(DeletionOptions.SectionName))
            .Validate(o => o.SweepIntervalSeconds > 0, $"{DeletionOptions.SectionName}:SweepIntervalSeconds is positive.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            // Generating the SQL needs a context instance, not a tenant or a connection.
            using var scope = sp.CreateScope();
            return TenantMigrationCatalog.FromDbContext(scope.ServiceProvider.GetRequiredService<TTenantDbContext>());
        });
        services.AddSingleton<TenantMigrationRunner>();
        services.AddSingleton<StartupMigrator>();
        services.AddSingleton<Exec.TenantSqlRunner>();
        return new TenancyBuilder(builder, connectionName, features);
    }

    /// <summary>
    /// Migrates at start, before any other hosted service (a job server, the web server) starts: <c>Tenancy:Migrations</c>
    /// (<see cref="StartupMigrationOptions"/>) says whether this host applies the registry's and tenants' migrations
    /// under the replicas' advisory lock, or waits until another host has.
    /// </summary>
    public static TenancyBuilder WithStartupMigrations(this TenancyBuilder tenancy, Action<StartupMigrationOptions>? configure = null)
    {
        if (!tenancy.TryAdd("startup-migrations"))
        {
            return tenancy;
        }

        var options = tenancy.Services.AddOptions<StartupMigrationOptions>().Bind(tenancy.Configuration.GetSection(StartupMigrationOptions.SectionName))
            .Validate(o => o.Parallelism is >= 1 and <= 64, $"{StartupMigrationOptions.SectionName}:Parallelism is between 1 and 64.")
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        // Hosted services start in the order they were registered: first, whatever was registered before.
        tenancy.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StartupMigrationService>());
        return tenancy;
    }

    /// <summary>
    /// Makes the registered singleton <typeparamref name="T"/> hear the NOTIFYs on its channel through the one
    /// <see cref="ChangeListener"/> connection of the process.
    /// </summary>
    public static IServiceCollection AddChangeSubscriber<T>(this IServiceCollection services)
        where T : class, IChangeSubscriber =>
        services.AddSingleton<IChangeSubscriber>(sp => sp.GetRequiredService<T>());

    /// <summary>
    /// Aspire's enrichment (<c>EnrichNpgsqlDbContext</c>: Npgsql tracing and metrics, a health check that the context
    /// connects) for a context of Tenancy's own, registered over the registry database, with no retrying execution
    /// strategy: the code runs explicit transactions, which such a strategy refuses.
    /// </summary>
    public static IHostApplicationBuilder EnrichTenancyDbContext<[DynamicallyAccessedMembers(RequiredByEF)] TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext
    {
        builder.EnrichNpgsqlDbContext<TContext>(settings => settings.DisableRetry = true);
        return builder;
    }
}
