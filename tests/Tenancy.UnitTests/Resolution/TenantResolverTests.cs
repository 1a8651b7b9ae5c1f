using Microsoft.AspNetCore.Http;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Resolution;
using Tenancy.Tenants;

namespace Tenancy.UnitTests.Resolution;

/// <summary>
/// The resolution rules, over an in-memory lookup: which tenant a host, header and path prefix name, when they must
/// agree, and that nothing ever falls back to a tenant the request did not name or one that is out of service.
/// </summary>
public sealed class TenantResolverTests
{
    private static readonly TenantInfo Acme = Tenant("acme");
    private static readonly TenantInfo Globex = Tenant("globex");
    private static readonly TenantInfo Initech = Tenant("initech", TenantStatus.Suspended);
    private static readonly TenantInfo Umbrella = Tenant("umbrella", TenantStatus.Deleted);
    private static readonly TenantInfo Hooli = Tenant("hooli", TenantStatus.Provisioning);

    private static readonly FakeLookup Lookup = new([Acme, Globex, Initech, Umbrella, Hooli], new() { ["shop.globex.test"] = Globex });

    [Theory]
    [InlineData("acme.example.com", "acme", "host")]
    [InlineData("ACME.Example.COM", "acme", "host")]
    [InlineData("acme.example.com.", "acme", "host")]
    [InlineData("acme.example.com:8443", "acme", "host")]
    [InlineData("globex.localhost", "globex", "host")]
    [InlineData("shop.globex.test", "globex", "domain")]
    [InlineData("SHOP.globex.test:443", "globex", "domain")]
    public void A_host_names_its_tenant(string host, string tenant, string source)
    {
        var resolved = Assert.IsType<TenantResolution.Resolved>(Resolve(host));
        Assert.Equal((tenant, source), (resolved.Tenant.Identifier, resolved.Source));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("admin.example.com")]
    [InlineData("www.example.com")]
    [InlineData("localhost")]
    [InlineData("admin.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3:5000")]
    [InlineData("[::1]")]
    [InlineData("[::1]:5000")]
    public void The_root_domain_its_platform_names_and_addresses_are_the_platform(string host) =>
        Assert.IsType<TenantResolution.Platform>(Resolve(host));

    [Theory]
    [InlineData("nobody.example.com", "No tenant is served at 'nobody.example.com'.")]
    [InlineData("a.acme.example.com", "No tenant is served at 'a.acme.example.com'.")]
    [InlineData("shop.acme.test", "No tenant is served at 'shop.acme.test'.")]
    [InlineData("example.com.evil.test", "No tenant is served at 'example.com.evil.test'.")]
    [InlineData("acmeexample.com", "No tenant is served at 'acmeexample.com'.")]
    public void An_unknown_host_is_404_and_names_the_host(string host, string detail) =>
        AssertRejected(Resolve(host), StatusCodes.Status404NotFound, detail);

    [Theory]
    [InlineData("acme.example.com", "acme")]
    [InlineData("example.com", "acme")]
    [InlineData("127.0.0.1", "globex")]
    [InlineData("shop.globex.test", "globex")]
    public void A_header_that_agrees_with_the_host_or_names_a_tenant_on_the_platform_resolves(string host, string header)
    {
        var resolved = Assert.IsType<TenantResolution.Resolved>(Resolve(host, header));
        Assert.Equal(header, resolved.Tenant.Identifier);
    }

    [Theory]
    [InlineData("acme.example.com", "globex", "The request's host belongs to tenant 'acme', but the X-Tenant header names 'globex'.")]
    [InlineData("shop.globex.test", "acme", "The request's domain belongs to tenant 'globex', but the X-Tenant header names 'acme'.")]
    public void A_header_naming_another_tenant_than_the_host_is_refused(string host, string header, string detail) =>
        AssertRejected(Resolve(host, header), StatusCodes.Status400BadRequest, detail);

    [Theory]
    [InlineData("Acme")]
    [InlineData("acme!")]
    [InlineData("a")]
    [InlineData("acme;drop table tenancy.tenants")]
    [InlineData("../globex")]
    public void A_malformed_header_is_400_before_any_lookup(string header)
    {
        var lookup = new FakeLookup([Acme], []);
        var result = Resolve("example.com", header, lookup: lookup);
        Assert.Equal(StatusCodes.Status400BadRequest, Assert.IsType<TenantResolution.Rejected>(result).Status);
        Assert.Empty(lookup.Asked);
    }

    [Theory]
    [InlineData("-acme.example.com")]
    [InlineData("acme..example.com")]
    [InlineData("acme_corp.example.com")]
    public void An_invalid_host_name_is_400(string host) =>
        AssertRejected(Resolve(host), StatusCodes.Status400BadRequest, "The Host header is not a valid host name.");

    [Fact]
    public void Two_headers_are_ambiguous() =>
        AssertRejected(Resolve("example.com", headers: ["acme", "acme"]), StatusCodes.Status400BadRequest, "Send one X-Tenant header, not 2.");

    [Theory]
    [InlineData("initech", StatusCodes.Status403Forbidden, "Tenant 'initech' is suspended.")]
    [InlineData("umbrella", StatusCodes.Status404NotFound, "There is no tenant 'umbrella'.")]
    [InlineData("nobody", StatusCodes.Status404NotFound, "There is no tenant 'nobody'.")]
    [InlineData("hooli", StatusCodes.Status503ServiceUnavailable, "Tenant 'hooli' is still being created; retry when its creation has completed.")]
    public void A_tenant_out_of_service_is_refused_whichever_source_names_it(string tenant, int status, string detail)
    {
        AssertRejected(Resolve("example.com", tenant), status, detail);
        AssertRejected(Resolve("example.com", path: $"/t/{tenant}/api/products", pathResolution: true), status, detail);
        if (Lookup.Knows(tenant))
        {
            AssertRejected(Resolve($"{tenant}.example.com"), status, detail);
        }
    }

    [Theory]
    [InlineData("/t/acme/api/products", "acme")]
    [InlineData("/t/globex", "globex")]
    [InlineData("/T/acme/x", "acme")]
    public void The_path_prefix_names_a_tenant_when_enabled(string path, string tenant) =>
        Assert.Equal(tenant, Assert.IsType<TenantResolution.Resolved>(Resolve("example.com", path: path, pathResolution: true)).Tenant.Identifier);

    [Fact]
    public void The_path_prefix_is_ignored_when_disabled() =>
        Assert.IsType<TenantResolution.Platform>(Resolve("example.com", path: "/t/acme/api/products", pathResolution: false));

    [Theory]
    [InlineData("/t/", false, "", "/t/")]
    [InlineData("/t", false, "", "/t")]
    [InlineData("/tenants/acme", false, "", "/tenants/acme")]
    [InlineData("/t/acme", true, "acme", "")]
    [InlineData("/t/acme/", true, "acme", "/")]
    [InlineData("/t/acme/api/products", true, "acme", "/api/products")]
    public void The_path_prefix_splits_into_identifier_and_rest(string path, bool found, string identifier, string rest)
    {
        Assert.Equal(found, TenantResolver.TryReadPathIdentifier(new PathString(path), out var read, out var remaining));
        Assert.Equal((identifier, rest), (read, remaining.Value ?? ""));
    }

    public static TheoryData<string, string?, string?> Requests()
    {
        string[] hosts = ["acme.example.com", "globex.example.com", "shop.globex.test", "initech.example.com", "umbrella.example.com",
            "hooli.example.com", "nobody.example.com", "example.com", "admin.example.com", "127.0.0.1", "x.acme.example.com", "evil.test"];
        string?[] headers = [null, "acme", "globex", "initech", "umbrella", "hooli", "nobody", "ACME", "ac me"];
        string?[] paths = [null, "/t/acme/api", "/t/globex/api", "/t/initech/api", "/t/nobody/api", "/t/A!/api"];
        var data = new TheoryData<string, string?, string?>();
        foreach (var host in hosts)
        {
            foreach (var header in headers)
            {
                foreach (var path in paths)
                {
                    data.Add(host, header, path);
                }
            }
        }

        return data;
    }

    /// <summary>
    /// Every combination of host, header and path (648 requests): a resolved tenant is active, was named by every
    /// source that names a tenant, and is never one that no source named; with no source naming one, no tenant.
    /// </summary>
    [Theory]
    [MemberData(nameof(Requests))]
    public void No_request_reaches_a_tenant_it_did_not_name_or_one_out_of_service(string host, string? header, string? path)
    {
        var result = Resolve(host, header, path: path ?? "/", pathResolution: true);
        var named = new List<string?>
        {
            Lookup.OwnerOf(host),
            header,
            path is null ? null : path.Split('/')[2],
        }.Where(name => name is not null).Distinct().ToList();

        switch (result)
        {
            case TenantResolution.Resolved resolved:
                Assert.Equal(TenantStatus.Active, resolved.Tenant.Status);
                Assert.Equal([resolved.Tenant.Identifier], named);
                break;
            case TenantResolution.Platform:
                Assert.Empty(named);
                break;
            case TenantResolution.Rejected rejected:
                Assert.InRange(rejected.Status, 400, 503);
                Assert.False(string.IsNullOrWhiteSpace(rejected.Detail));
                break;
        }
    }

    private static TenantResolution Resolve(
        string host, string? header = null, string[]? headers = null, string path = "/", bool pathResolution = false, FakeLookup? lookup = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        context.Request.Path = path;
        foreach (var value in headers ?? (header is null ? [] : [header]))
        {
            context.Request.Headers.Append(TenantResolver.HeaderName, value);
        }

        var options = new TenancyOptions { RootDomains = ["example.com", "localhost"], EnablePathResolution = pathResolution };
        var resolution = new TenantResolver(lookup ?? Lookup, options).ResolveAsync(context.Request, CancellationToken.None);
        Assert.True(resolution.IsCompletedSuccessfully, "an in-memory lookup answers at once");
        return resolution.Result;
    }

    private static void AssertRejected(TenantResolution result, int status, string detail)
    {
        var rejected = Assert.IsType<TenantResolution.Rejected>(result);
        Assert.Equal((status, detail), (rejected.Status, rejected.Detail));
    }

    private static TenantInfo Tenant(string identifier, TenantStatus status = TenantStatus.Active) =>
        new(Guid.CreateVersion7(), identifier, identifier, status, TenantIsolation.Schema, "t_" + identifier, "standard", PlanLimits.Unlimited);

    private sealed class FakeLookup(TenantInfo[] tenants, Dictionary<string, TenantInfo> domains) : ITenantLookup
    {
        public List<string> Asked { get; } = [];

        public bool Knows(string identifier) => tenants.Any(t => t.Identifier == identifier);

        /// <summary>The tenant a host names, as a person reads it: its custom domain's owner, or its first label under a root domain.</summary>
        public string? OwnerOf(string host) => host.Split('.') switch
        {
            _ when domains.TryGetValue(host, out var owner) => owner.Identifier,
            ["example", "com"] or ["127", "0", "0", "1"] or ["admin" or "www", "example", "com"] => null,
            [var label, "example", "com"] => label,
            _ => host,
        };

        public ValueTask<TenantInfo?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken = default)
        {
            Asked.Add(identifier);
            return ValueTask.FromResult(tenants.FirstOrDefault(t => t.Identifier == identifier));
        }

        public ValueTask<TenantInfo?> FindByHostAsync(string host, CancellationToken cancellationToken = default)
        {
            Asked.Add(host);
            return ValueTask.FromResult(domains.GetValueOrDefault(host));
        }
    }
}
