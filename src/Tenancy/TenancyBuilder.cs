using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tenancy;

/// <summary>
/// What <see cref="TenancyExtensions.AddTenancy{TTenantDbContext}"/> returns: this host's tenancy, which each
/// <c>WithXxx</c> extends (<c>WithCaching</c>, <c>WithJobs</c>, <c>WithAccounts</c>, <c>WithUsage</c>, ...). Every
/// capability registers once however often it is asked for, and adds what it builds on itself, so the calls may come in
/// any order.
/// </summary>
public sealed class TenancyBuilder
{
    private readonly TenancyFeatures _features;

    internal TenancyBuilder(IHostApplicationBuilder host, string connectionName, TenancyFeatures features) =>
        (Host, ConnectionName, _features) = (host, connectionName, features);

    public IHostApplicationBuilder Host { get; }

    /// <summary>The tenancy database's connection name (<c>ConnectionStrings:{name}</c>, an Aspire reference).</summary>
    public string ConnectionName { get; }

    public IServiceCollection Services => Host.Services;

    public IConfigurationManager Configuration => Host.Configuration;

    /// <summary>True the first time <paramref name="feature"/> is added: a capability registers its services only then.</summary>
    public bool TryAdd(string feature) => _features.Add(feature);
}

/// <summary>The capabilities a host's <see cref="TenancyBuilder"/> added, so that <c>UseTenancy</c> adds the middleware they need, in order.</summary>
public sealed class TenancyFeatures
{
    /// <summary>Each request's tenant resolved (<c>WithRequestResolution</c>, Tenancy.AspNetCore).</summary>
    public const string RequestResolution = "request-resolution";

    /// <summary>Usage metering: each tenant request counted (<c>WithUsage</c>).</summary>
    public const string Usage = "usage";

    /// <summary>ASP.NET Core's rate limiter: per-tenant request limits or sign-in limits.</summary>
    public const string RateLimiter = "rate-limiter";

    /// <summary>Authentication and authorization (<c>WithAccounts</c>).</summary>
    public const string Authentication = "authentication";

    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public bool Contains(string feature) => _names.Contains(feature);

    internal bool Add(string feature) => _names.Add(feature);
}
