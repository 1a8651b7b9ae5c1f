using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.AspNetCore.Resolution;
using Tenancy.Provisioning;
using Tenancy.Resolution;

namespace Tenancy.IntegrationTests;

/// <summary>Host and header tricks against the resolver, with tenants from a real registry.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TenantResolverTests(PostgresFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = PostgresFixture.NewIdentifier("r");
    private readonly string _other = PostgresFixture.NewIdentifier("r");
    private string CustomDomain => $"{_tenant}.example.com";

    public async Task InitializeAsync()
    {
        var provisioner = fixture.Services.GetRequiredService<TenantProvisioner>();
        await provisioner.ProvisionAsync(new NewTenant(_tenant, "Resolved", Domains: [CustomDomain]));
        await provisioner.ProvisionAsync(new NewTenant(_other, "Other"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("{0}.localhost")]
    [InlineData("{0}.LOCALHOST")]
    [InlineData("{0}.localhost.")]
    [InlineData("{0}.localhost:5180")]
    [InlineData("{0}.example.com")]
    [InlineData("{0}.Example.COM.")]
    public async Task Resolves_a_tenants_host_in_any_case_with_port_or_trailing_dot(string hostPattern)
    {
        var resolution = await ResolveAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, hostPattern, _tenant));

        Assert.Equal(_tenant, Assert.IsType<TenantResolution.Resolved>(resolution).Tenant.Identifier);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("admin.localhost")]
    [InlineData("www.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    public async Task The_platform_hosts_have_no_tenant(string host) =>
        Assert.IsType<TenantResolution.Platform>(await ResolveAsync(host));

    [Theory]
    [InlineData("nobody.localhost", 404)]
    [InlineData("a.b.localhost", 404)]
    [InlineData("evil.example.net", 404)]
    [InlineData("xn--80ak6aa92e.localhost", 404)]
    [InlineData("bad_host!.localhost", 400)]
    [InlineData("\u0430\u0441me.localhost", 404)]
    public async Task Unknown_and_malformed_hosts_are_rejected(string host, int status) =>
        Assert.Equal(status, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync(host)).Status);

    [Fact]
    public async Task A_very_long_host_is_rejected() =>
        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync(new string('a', 300) + ".localhost")).Status);

    [Fact]
    public async Task The_header_names_the_tenant_on_the_platform_host_and_must_agree_with_any_other_source()
    {
        Assert.Equal(_tenant, Assert.IsType<TenantResolution.Resolved>(await ResolveAsync("localhost", header: _tenant)).Tenant.Identifier);
        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync($"{_tenant}.localhost", header: _other)).Status);
        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync(CustomDomain, header: _other)).Status);
        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync("localhost", header: "x'; DROP TABLE tenancy.tenants; --")).Status);
        Assert.Equal(404, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync("localhost", header: "nobody-here")).Status);
    }

    [Fact]
    public async Task Two_tenant_headers_are_ambiguous()
    {
        var context = Request("localhost");
        context.Request.Headers.Append(TenantResolver.HeaderName, new Microsoft.Extensions.Primitives.StringValues([_tenant, _other]));

        var resolution = await Resolver(pathResolution: false).ResolveAsync(context.Request, CancellationToken.None);

        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(resolution).Status);
    }

    [Fact]
    public async Task The_path_prefix_names_the_tenant_when_enabled_and_must_agree_with_the_host()
    {
        Assert.Equal(_tenant, Assert.IsType<TenantResolution.Resolved>(await ResolveAsync("localhost", path: $"/t/{_tenant}/api/products", pathResolution: true)).Tenant.Identifier);
        Assert.Equal(400, Assert.IsType<TenantResolution.Rejected>(await ResolveAsync($"{_other}.localhost", path: $"/t/{_tenant}/api/products", pathResolution: true)).Status);
        Assert.IsType<TenantResolution.Platform>(await ResolveAsync("localhost", path: $"/t/{_tenant}/api/products", pathResolution: false));
    }

    [Theory]
    [InlineData("/t/acme/api/products", "acme", "/api/products")]
    [InlineData("/t/acme", "acme", "")]
    [InlineData("/api/products", null, "/api/products")]
    [InlineData("/t/", null, "/t/")]
    public void Path_prefix_is_split_into_identifier_and_rest(string path, string? identifier, string rest)
    {
        var found = TenantResolver.TryReadPathIdentifier(new PathString(path), out var read, out var remaining);

        Assert.Equal(identifier is not null, found);
        Assert.Equal(identifier ?? "", found ? read : "");
        Assert.Equal(rest, remaining.Value ?? "");
    }

    private Task<TenantResolution> ResolveAsync(string host, string? header = null, string path = "/api/products", bool pathResolution = false)
    {
        var context = Request(host, path);
        if (header is not null)
        {
            context.Request.Headers[TenantResolver.HeaderName] = header;
        }

        return Resolver(pathResolution).ResolveAsync(context.Request, CancellationToken.None).AsTask();
    }

    private static DefaultHttpContext Request(string host, string path = "/api/products")
    {
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString(host);
        context.Request.Path = path;
        return context;
    }

    private TenantResolver Resolver(bool pathResolution) => new(
        fixture.Services.GetRequiredService<TenantLookup>(),
        new TenancyOptions { EnablePathResolution = pathResolution });
}
