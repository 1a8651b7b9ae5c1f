using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Tenancy.Api.Infrastructure;

/// <summary>
/// <c>Tenancy:ForwardedHeaders</c>: the proxies (load balancers, ingress) whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> the Api believes. From anyone else the headers are ignored, so a client cannot pick the
/// address its sign-in attempts are counted under.
/// </summary>
public sealed class TrustedProxyOptions
{
    public const string SectionName = "Tenancy:ForwardedHeaders";

    /// <summary>Proxy addresses, e.g. <c>10.0.0.4</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxy networks in CIDR notation, e.g. <c>10.0.0.0/16</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies in a row may each add an entry; the client is the first address left of them.</summary>
    public int ForwardLimit { get; set; } = 1;

    // An empty entry is no entry, so a deployment can remove one by setting it empty.
    internal IEnumerable<string> Proxies => KnownProxies.Where(p => !string.IsNullOrWhiteSpace(p));

    internal IEnumerable<string> Networks => KnownNetworks.Where(n => !string.IsNullOrWhiteSpace(n));

    public bool IsValid() =>
        Proxies.All(p => IPAddress.TryParse(p, out _)) && Networks.All(n => IPNetwork.TryParse(n, out _)) && ForwardLimit >= 1;
}

internal static class TrustedProxies
{
    /// <summary>ASP.NET Core's forwarded-headers middleware, trusting only the configured proxies (none by default).</summary>
    public static IHostApplicationBuilder AddTrustedProxies(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>()
            .Bind(builder.Configuration.GetSection(TrustedProxyOptions.SectionName))
            .Validate(o => o.IsValid(), $"{TrustedProxyOptions.SectionName} is not valid: KnownProxies must be IP addresses, KnownNetworks CIDR networks, ForwardLimit at least 1.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            // The defaults trust loopback, and with both lists empty the middleware would trust every peer.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            var settings = trusted.Value;
            foreach (var proxy in settings.Proxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }

            foreach (var network in settings.Networks)
            {
                forwarded.KnownIPNetworks.Add(IPNetwork.Parse(network));
            }

            forwarded.ForwardLimit = settings.ForwardLimit;
            // Never X-Forwarded-Host: the host names the tenant, and only the request's own Host may.
            forwarded.ForwardedHeaders = !settings.Proxies.Any() && !settings.Networks.Any()
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return builder;
    }
}
