using System.Net;
using Npgsql;

namespace Tenancy.EndToEndTests;

[Collection(AppHostCollection.Name)]
public sealed class TenantsApiTests(AppHostFixture fixture)
{
    private readonly TenancyClient _client = new(fixture.Api);

    [Fact]
    public async Task Creating_a_tenant_returns_it_with_its_domains_and_it_is_listed()
    {
        var identifier = TenancyClient.NewIdentifier();
        var host = $"{identifier}.example.com";

        var created = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new
        {
            identifier,
            name = "Acme Corp",
            isolation = "schema",
            domains = new[] { host },
            plan = "standard",
            contactEmail = "ops@acme.example",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/tenants/{identifier}", created.Headers.Location?.OriginalString);
        var body = await TenancyClient.ReadAsync(created);
        Assert.Equal(identifier, body.GetProperty("identifier").GetString());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal("schema", body.GetProperty("isolation").GetString());
        Assert.Equal(host, body.GetProperty("domains")[0].GetProperty("host").GetString());
        Assert.True(body.GetProperty("domains")[0].GetProperty("isPrimary").GetBoolean());
        Assert.NotEqual(Guid.Empty, body.GetProperty("id").GetGuid());

        var active = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants?status=active"));
        Assert.Contains(active.EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
    }

    [Fact]
    public async Task The_same_creation_again_returns_the_tenant_and_another_body_for_its_identifier_is_a_conflict_naming_the_fields()
    {
        var identifier = TenancyClient.NewIdentifier();
        object Body(string name) => new
        {
            identifier,
            name,
            isolation = "schema",
            owner = new { email = TenancyClient.OwnerEmail(identifier), password = TenancyClient.OwnerPassword(identifier) },
        };

        var created = await _client.SendAsync(HttpMethod.Post, "/api/tenants", Body("Acme"));
        var again = await _client.SendAsync(HttpMethod.Post, "/api/tenants", Body("Acme"));
        var other = await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, "/api/tenants", Body("Not Acme")), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((await TenancyClient.ReadAsync(created)).GetProperty("id").GetGuid(), (await TenancyClient.ReadAsync(again)).GetProperty("id").GetGuid());
        Assert.Equal($"The identifier '{identifier}' is taken by a tenant (active) whose name differs from this request.", other.GetProperty("detail").GetString());
        await _client.SignInAsOwnerAsync(identifier);
    }

    [Fact]
    public async Task Invalid_input_gets_per_field_errors_and_creates_nothing()
    {
        var response = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new
        {
            identifier = "Bad_Identifier",
            name = "",
            isolation = "sideways",
            domains = new[] { "not a host" },
            plan = "gold",
            contactEmail = "nope",
        });

        var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(
            ["contactEmail", "domains", "identifier", "isolation", "name", "plan"],
            problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.SendAsync(HttpMethod.Get, "/api/tenants/bad-identifier")).StatusCode);
    }

    [Fact]
    public async Task Duplicate_identifiers_and_domains_are_conflicts()
    {
        var host = $"{TenancyClient.NewIdentifier("dup")}.example.com";
        var identifier = await _client.CreateTenantAsync(domains: [host]);

        var sameIdentifier = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = "Again" });
        var sameDomain = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier = TenancyClient.NewIdentifier(), name = "Other", domains = new[] { host } });
        var other = await _client.CreateTenantAsync();
        var domainTaken = await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{other}/domains", new { host });

        await TenancyClient.AssertProblemAsync(sameIdentifier, HttpStatusCode.Conflict);
        await TenancyClient.AssertProblemAsync(sameDomain, HttpStatusCode.Conflict);
        await TenancyClient.AssertProblemAsync(domainTaken, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Domains_can_be_added_and_removed_and_resolve_at_once()
    {
        var identifier = await _client.CreateTenantAsync();
        await _client.CreateProductAsync(identifier, "D-1", "domain check");
        var host = $"{TenancyClient.NewIdentifier("new")}.example.com";

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{identifier}/domains", new { host })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Get, "/api/products", host: host)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{identifier}/domains/{host}")).StatusCode);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/products", host: host), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{identifier}/domains/{host}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_admin_api_does_not_exist_on_a_tenant_host_and_malformed_identifiers_are_refused()
    {
        var identifier = await _client.CreateTenantAsync();

        await TenancyClient.AssertProblemAsync(await _client.AsTenant(identifier, HttpMethod.Get, "/api/tenants"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants/DROP%20TABLE"), HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants?status=everything"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Status_changes_follow_the_lifecycle()
    {
        var deleted = await _client.CreateTenantAsync();
        await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{deleted}");
        var trial = TenancyClient.NewIdentifier();
        await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier = trial, name = "On trial", status = "trial" });
        var active = await _client.CreateTenantAsync();

        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{deleted}/resume"), HttpStatusCode.NotFound);
        await TenancyClient.AssertProblemAsync(await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{trial}/resume"), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{active}/resume")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Post, $"/api/tenants/{trial}/suspend")).StatusCode);
        Assert.Equal("suspended", (await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{trial}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Over_the_plans_location_limit_is_a_conflict_naming_the_limit()
    {
        var identifier = await _client.CreateTenantAsync(plan: "trial");

        var first = await _client.AsTenant(identifier, HttpMethod.Post, "/api/locations", new { name = "Main", code = "M" });
        var second = await _client.AsTenant(identifier, HttpMethod.Post, "/api/locations", new { name = "Second", code = "S" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await TenancyClient.AssertProblemAsync(second, HttpStatusCode.Conflict);
        Assert.Equal("locations", problem.GetProperty("limit").GetString());
        Assert.Contains("limit 'locations'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, (await TenancyClient.ReadAsync(await _client.AsTenant(identifier, HttpMethod.Get, "/api/locations"))).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Sales_input_is_validated_per_field()
    {
        var identifier = await _client.CreateTenantAsync();

        var product = await _client.AsTenant(identifier, HttpMethod.Post, "/api/products", new { sku = "", name = "x", price = -1 });
        var page = await _client.AsTenant(identifier, HttpMethod.Get, "/api/products?pageSize=1000");
        await _client.CreateProductAsync(identifier, "DUP", "first");
        var duplicate = await _client.AsTenant(identifier, HttpMethod.Post, "/api/products", new { sku = "DUP", name = "second", price = 1 });

        var problem = await TenancyClient.AssertProblemAsync(product, HttpStatusCode.BadRequest);
        Assert.Equal(2, problem.GetProperty("errors").EnumerateObject().Count());
        await TenancyClient.AssertProblemAsync(page, HttpStatusCode.BadRequest);
        await TenancyClient.AssertProblemAsync(duplicate, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_deleted_tenants_schema_is_dropped_in_the_background()
    {
        var identifier = await _client.CreateTenantAsync();
        var schema = "t_" + identifier.Replace('-', '_');
        await using var db = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("tenancydb"));
        await db.OpenAsync();
        Assert.True(await SchemaExistsAsync(db, schema));

        Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(HttpMethod.Delete, $"/api/tenants/{identifier}")).StatusCode);

        for (var i = 0; i < 100 && await SchemaExistsAsync(db, schema); i++)
        {
            await Task.Delay(200);
        }

        Assert.False(await SchemaExistsAsync(db, schema), "the Worker should drop the schema within 20 s");
        var listed = await TenancyClient.ReadAsync(await _client.SendAsync(HttpMethod.Get, "/api/tenants?status=deleted"));
        Assert.Contains(listed.EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
    }

    private static async Task<bool> SchemaExistsAsync(NpgsqlConnection db, string schema)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", db);
        command.Parameters.Add(new NpgsqlParameter { Value = schema });
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
