using System.Net;
using Microsoft.AspNetCore.Http;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.AspNetCore.Resolution;

/// <summary>
/// Decides a request's tenant. Sources, each optional: the host (<c>{identifier}.{root domain}</c> or a custom
/// domain), the <c>X-Tenant</c> header, and the <c>/t/{identifier}/</c> path prefix when enabled. When several
/// name a tenant they must agree. There is never a fallback to some default tenant.
/// </summary>
public sealed class TenantResolver(ITenantLookup lookup, TenancyOptions options)
{
    public const string HeaderName = "X-Tenant";
    public const string PathPrefix = "/t";

    private static readonly string[] PlatformSubdomains = ["admin", "www"];

    public async ValueTask<TenantResolution> ResolveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var fromHost = await ResolveHostAsync(request.Host.Host, cancellationToken);
        if (fromHost is TenantResolution.Rejected)
        {
            return fromHost;
        }

        var resolution = fromHost;
        if (request.Headers.TryGetValue(HeaderName, out var header))
        {
            if (header.Count != 1)
            {
                return new TenantResolution.Rejected(StatusCodes.Status400BadRequest, "Ambiguous tenant", $"Send one {HeaderName} header, not {header.Count}.");
            }

            resolution = await CombineAsync(resolution, header[0]!, $"the {HeaderName} header", cancellationToken);
            if (resolution is TenantResolution.Rejected)
            {
                return resolution;
            }
        }

        if (options.EnablePathResolution && PathIdentifier(request) is { } fromPath)
        {
            resolution = await CombineAsync(resolution, fromPath, "the path", cancellationToken);
        }

        return resolution is TenantResolution.Resolved resolved ? CheckStatus(resolved) : resolution;
    }

    /// <summary>The prefix <see cref="TenantPathMiddleware"/> took off before routing, or one still on the path.</summary>
    private static string? PathIdentifier(HttpRequest request) =>
        request.HttpContext.Features.Get<TenantPathFeature>()?.Identifier
        ?? (TryReadPathIdentifier(request.Path, out var identifier, out _) ? identifier : null);

    /// <summary>Splits <c>/t/{identifier}/rest</c> into the identifier and <c>/rest</c>.</summary>
    public static bool TryReadPathIdentifier(PathString path, out string identifier, out PathString remaining)
    {
        identifier = "";
        remaining = path;
        if (!path.StartsWithSegments(PathPrefix, out var rest) || !rest.HasValue)
        {
            return false;
        }

        var value = rest.Value![1..];
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var candidate = slash < 0 ? value : value[..slash];
        if (candidate.Length == 0)
        {
            return false;
        }

        identifier = candidate;
        remaining = slash < 0 ? PathString.Empty : new PathString(value[slash..]);
        return true;
    }

    private async ValueTask<TenantResolution> ResolveHostAsync(string rawHost, CancellationToken cancellationToken)
    {
        // Addresses, not names: direct access to an instance (probes, the AppHost) is the platform.
        if (IPAddress.TryParse(rawHost.Trim('[', ']'), out _))
        {
            return new TenantResolution.Platform();
        }

        var host = HostName.Normalize(rawHost);
        if (host is null)
        {
            return new TenantResolution.Rejected(StatusCodes.Status400BadRequest, "Invalid host", "The Host header is not a valid host name.");
        }

        foreach (var root in options.RootDomains)
        {
            if (host == root)
            {
                return new TenantResolution.Platform();
            }

            if (host.EndsWith("." + root, StringComparison.Ordinal))
            {
                var label = host[..^(root.Length + 1)];
                if (PlatformSubdomains.Contains(label))
                {
                    return new TenantResolution.Platform();
                }

                if (label.Contains('.', StringComparison.Ordinal) || !TenantIdentifier.IsValid(label))
                {
                    return UnknownHost(host);
                }

                var tenant = await lookup.FindByIdentifierAsync(label, cancellationToken);
                return tenant is null ? UnknownHost(host) : new TenantResolution.Resolved(tenant, "host");
            }
        }

        var owner = await lookup.FindByHostAsync(host, cancellationToken);
        return owner is null ? UnknownHost(host) : new TenantResolution.Resolved(owner, "domain");
    }

    private async ValueTask<TenantResolution> CombineAsync(TenantResolution current, string identifier, string source, CancellationToken cancellationToken)
    {
        if (TenantIdentifier.Validate(identifier) is { } error)
        {
            return new TenantResolution.Rejected(StatusCodes.Status400BadRequest, "Malformed tenant identifier", $"{source} does not name a valid tenant: {error}");
        }

        if (current is TenantResolution.Resolved resolved)
        {
            return resolved.Tenant.Identifier == identifier
                ? current
                : new TenantResolution.Rejected(
                    StatusCodes.Status400BadRequest,
                    "Conflicting tenants",
                    $"The request's {resolved.Source} belongs to tenant '{resolved.Tenant.Identifier}', but {source} names '{identifier}'.");
        }

        var tenant = await lookup.FindByIdentifierAsync(identifier, cancellationToken);
        return tenant is null
            ? UnknownTenant(identifier)
            : new TenantResolution.Resolved(tenant, source);
    }

    private static TenantResolution CheckStatus(TenantResolution.Resolved resolved) => resolved.Tenant.Status switch
    {
        // A deleted tenant is indistinguishable from one that never existed.
        TenantStatus.Deleted => UnknownTenant(resolved.Tenant.Identifier),
        TenantStatus.Suspended => new TenantResolution.Rejected(
            StatusCodes.Status403Forbidden, "Tenant suspended", $"Tenant '{resolved.Tenant.Identifier}' is suspended."),
        // Its store may not exist yet: nothing is served until the creation has committed.
        TenantStatus.Provisioning => new TenantResolution.Rejected(
            StatusCodes.Status503ServiceUnavailable, "Tenant being created", $"Tenant '{resolved.Tenant.Identifier}' is still being created; retry when its creation has completed."),
        _ => resolved,
    };

    private static TenantResolution.Rejected UnknownTenant(string identifier) =>
        new(StatusCodes.Status404NotFound, "Unknown tenant", $"There is no tenant '{identifier}'.");

    private static TenantResolution.Rejected UnknownHost(string host) =>
        new(StatusCodes.Status404NotFound, "Unknown tenant", $"No tenant is served at '{host}'.");
}
