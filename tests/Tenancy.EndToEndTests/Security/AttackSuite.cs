using System.Net;
using Xunit.Abstractions;
using System.Text;

namespace Tenancy.EndToEndTests.Security;

/// <summary>
/// Someone with a valid account on tenant B (or none) tries to reach tenant A's data. Each test is a table of
/// attempts; every attempt must be refused, A's data must be intact afterwards, and no response may carry A's rows.
/// The counts printed here are the ones docs/security.md reports.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class AttackSuite(SecurityFixture fixture, ITestOutputHelper output)
{
    private readonly TenancyClient _client = fixture.Client;

    [Fact]
    public async Task Idor_another_tenants_ids_are_not_found_for_every_resource_and_verb()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var cases = pair.TenantEndpoints().Where(e => e.Path.Contains(pair.ProductA.ToString(), StringComparison.Ordinal)
            || e.Path.Contains(pair.CustomerA.ToString(), StringComparison.Ordinal)
            || e.Path.Contains(pair.LocationA.ToString(), StringComparison.Ordinal)
            || e.Path.Contains(pair.OrderA.ToString(), StringComparison.Ordinal)
            || e.Path.Contains(pair.OwnerIdA.ToString(), StringComparison.Ordinal)).ToList();

        foreach (var (method, path, body) in cases)
        {
            var response = await _client.SendWithTokenAsync(pair.TokenB, method, path, body, host: $"{pair.B}.localhost");
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{method} {path}: {(int)response.StatusCode}");
            if (path.StartsWith("/api/notifications", StringComparison.Ordinal))
            {
                // A filter, not an id lookup: B's own (empty) list.
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(0, (await TenancyClient.ReadAsync(response)).GetProperty("count").GetInt32());
            }
            else
            {
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode} {text}");
            }

            Assert.DoesNotContain(TenantPair.SecretSku, text, StringComparison.Ordinal);
        }

        // Lists: B sees only B's rows.
        foreach (var list in new[] { "/api/products", "/api/customers", "/api/locations", "/api/orders", "/api/notifications", "/api/members" })
        {
            var text = await (await _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Get, list, host: $"{pair.B}.localhost")).Content.ReadAsStringAsync();
            foreach (var id in new[] { pair.ProductA, pair.CustomerA, pair.LocationA, pair.OrderA, pair.OwnerIdA })
            {
                Assert.DoesNotContain(id.ToString(), text, StringComparison.Ordinal);
            }
        }

        output.WriteLine($"{cases.Count} id attempts and 6 lists refused");
        await pair.AssertAIntactAsync(_client);
    }

    [Fact]
    public async Task Token_replay_a_token_is_refused_on_another_tenant_and_on_the_platform_for_every_endpoint()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var platformToken = await _client.SignInAsync(null, TestAdmin.Email, TestAdmin.Password);
        var attempts = new List<(string Case, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Expected)>();
        foreach (var (method, path, body) in pair.TenantEndpoints())
        {
            attempts.Add(($"B's token on A's host: {method} {path}", () => _client.SendWithTokenAsync(pair.TokenB, method, path, body, host: $"{pair.A}.localhost"), HttpStatusCode.Forbidden));
            attempts.Add(($"B's token, X-Tenant A, platform host: {method} {path}", () => _client.SendWithTokenAsync(pair.TokenB, method, path, body, tenantHeader: pair.A), HttpStatusCode.Forbidden));
            attempts.Add(($"platform token on A's host: {method} {path}", () => _client.SendWithTokenAsync(platformToken, method, path, body, host: $"{pair.A}.localhost"), HttpStatusCode.Forbidden));
        }

        foreach (var (method, path, body) in pair.PlatformEndpoints())
        {
            attempts.Add(($"A's token on the platform: {method} {path}", () => _client.SendWithTokenAsync(pair.TokenA, method, path, body), HttpStatusCode.Forbidden));
            attempts.Add(($"A's token, platform endpoint on A's host: {method} {path}", () => _client.SendWithTokenAsync(pair.TokenA, method, path, body, host: $"{pair.A}.localhost"), HttpStatusCode.NotFound));
        }

        foreach (var (name, send, expected) in attempts)
        {
            var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == expected, $"{name}: expected {expected}, got {response.StatusCode} {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(TenantPair.SecretSku, text, StringComparison.Ordinal);
        }

        output.WriteLine($"{attempts.Count} replayed requests refused");
        await pair.AssertAIntactAsync(_client);
    }

    [Fact]
    public async Task Host_header_tricks_resolve_to_the_right_tenant_or_nothing()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var a = pair.A;
        var port = fixture.System.Port;
        var bearerA = $"Authorization: Bearer {pair.TokenA}";
        var bearerB = $"Authorization: Bearer {pair.TokenB}";
        // (case, request head lines, status expected with A's token, with B's token)
        var cases = new (string Case, string Target, string[] Headers, int WithA, int WithB)[]
        {
            ("upper case", "/api/products", [$"Host: {a.ToUpperInvariant()}.LOCALHOST"], 200, 403),
            ("mixed case", "/api/products", [$"Host: {char.ToUpperInvariant(a[0])}{a[1..]}.LocalHost"], 200, 403),
            ("trailing dot", "/api/products", [$"Host: {a}.localhost."], 200, 403),
            ("port", "/api/products", [$"Host: {a}.localhost:8443"], 200, 403),
            ("B's host with A's port trick", "/api/products", [$"Host: {pair.B}.localhost:{port}"], 403, 200),
            ("punycode label", "/api/products", ["Host: xn--mnchen-3ya.localhost"], 404, 404),
            ("punycode lookalike of A", "/api/products", [$"Host: xn--{a}-9ja.localhost"], 404, 404),
            ("raw UTF-8 host", "/api/products", ["Host: münchen.localhost"], 400, 400),
            ("very long host", "/api/products", [$"Host: {new string('a', 5000)}.localhost"], 400, 400),
            ("label over 63 characters", "/api/products", [$"Host: {new string('a', 64)}.localhost"], 400, 400),
            ("A as a sub-subdomain", "/api/products", [$"Host: {a}.{pair.B}.localhost"], 404, 404),
            ("B under A", "/api/products", [$"Host: {pair.B}.{a}.localhost"], 404, 404),
            ("userinfo in host", "/api/products", [$"Host: {pair.B}.localhost@{a}.localhost"], 400, 400),
            ("two Host headers", "/api/products", [$"Host: {a}.localhost", $"Host: {pair.B}.localhost"], 400, 400),
            ("missing Host (HTTP/1.1)", "/api/products", [], 400, 400),
            ("empty Host", "/api/products", ["Host: "], 400, 400),
            ("absolute URI naming A, Host naming B", $"http://{a}.localhost/api/products", [$"Host: {pair.B}.localhost"], 400, 400),
            ("X-Forwarded-Host naming A on B's host", "/api/products", [$"Host: {pair.B}.localhost", $"X-Forwarded-Host: {a}.localhost"], 403, 200),
            ("platform aliases", "/api/products", ["Host: admin.localhost"], 400, 400),
            ("IP address", "/api/products", ["Host: 127.0.0.1"], 400, 400),
        };

        var failures = new List<string>();
        foreach (var (name, target, headers, withA, withB) in cases)
        {
            foreach (var (bearer, expected) in new[] { (bearerA, withA), (bearerB, withB) })
            {
                var (status, body) = await RawHttp.GetAsync(port, target, [.. headers, bearer]);
                if (status != expected)
                {
                    failures.Add($"{name} ({(bearer == bearerA ? "A" : "B")}'s token): expected {expected}, got {status}");
                }

                if (status == 200 && bearer == bearerB && body.Contains(TenantPair.SecretSku, StringComparison.Ordinal))
                {
                    failures.Add($"{name}: B read A's product");
                }
            }
        }

        output.WriteLine($"{cases.Length * 2} host-header requests");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task X_tenant_spoofing_never_switches_tenants()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var port = fixture.System.Port;
        var cases = new (string Case, string[] Headers, string Token, int Expected)[]
        {
            ("B's host, X-Tenant A, B's token", [$"Host: {pair.B}.localhost", $"X-Tenant: {pair.A}"], pair.TokenB, 400),
            ("A's host, X-Tenant B, B's token", [$"Host: {pair.A}.localhost", $"X-Tenant: {pair.B}"], pair.TokenB, 400),
            ("platform host, X-Tenant A, B's token", ["Host: localhost", $"X-Tenant: {pair.A}"], pair.TokenB, 403),
            ("platform host, X-Tenant A, A's token", ["Host: localhost", $"X-Tenant: {pair.A}"], pair.TokenA, 200),
            ("two X-Tenant headers", ["Host: localhost", $"X-Tenant: {pair.B}", $"X-Tenant: {pair.A}"], pair.TokenB, 400),
            ("comma list", ["Host: localhost", $"X-Tenant: {pair.B},{pair.A}"], pair.TokenB, 400),
            ("upper case", ["Host: localhost", $"X-Tenant: {pair.A.ToUpperInvariant()}"], pair.TokenB, 400),
            ("padded", ["Host: localhost", $"X-Tenant:  {pair.A}  "], pair.TokenB, 403),
            ("lower-case header name", ["Host: localhost", $"x-tenant: {pair.A}"], pair.TokenB, 403),
            ("tenant id instead of identifier", ["Host: localhost", $"X-Tenant: {pair.TenantIdA}"], pair.TokenB, 400),
            ("empty", ["Host: localhost", "X-Tenant: "], pair.TokenB, 400),
            ("deleted-looking", ["Host: localhost", "X-Tenant: nobody-here"], pair.TokenB, 404),
            ("other spellings", [$"Host: {pair.B}.localhost", $"Tenant: {pair.A}", $"X-Tenant-Id: {pair.TenantIdA}", $"X-Forwarded-Tenant: {pair.A}"], pair.TokenB, 200),
        };

        var failures = new List<string>();
        foreach (var (name, headers, token, expected) in cases)
        {
            var (status, body) = await RawHttp.GetAsync(port, "/api/products", [.. headers, $"Authorization: Bearer {token}"]);
            if (status != expected)
            {
                failures.Add($"{name}: expected {expected}, got {status}");
            }

            if (token == pair.TokenB && body.Contains(TenantPair.SecretSku, StringComparison.Ordinal))
            {
                failures.Add($"{name}: B read A's product");
            }
        }

        output.WriteLine($"{cases.Length} X-Tenant requests");
        Assert.Empty(failures);
    }

    [Fact]
    public async Task Sql_in_identifiers_and_schema_names_is_refused_before_sql_or_stored_as_data()
    {
        var pair = await TenantPair.CreateAsync(_client);
        string[] hostile =
        [
            "x'; DROP SCHEMA tenancy CASCADE; --",
            "t_a\"; DROP TABLE accounts.users; --",
            "a; SELECT pg_sleep(10)",
            "public",
            "pg_catalog",
            "information_schema",
            $"{pair.A}' OR '1'='1",
            "A" + new string('a', 100),
            "a/../b",
            "a%00b",
            "ab\u0000c",
        ];
        var attempts = 0;
        foreach (var identifier in hostile)
        {
            var created = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier, name = "hostile" });
            Assert.True(created.StatusCode == HttpStatusCode.BadRequest, $"create '{identifier}': {created.StatusCode}");
            var route = await _client.SendAsync(HttpMethod.Get, $"/api/tenants/{Uri.EscapeDataString(identifier)}");
            Assert.True(route.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"route '{identifier}': {route.StatusCode}");
            var header = TenancyClient.NewRequest(HttpMethod.Get, "/api/products", token: pair.TokenA);
            header.Headers.TryAddWithoutValidation("X-Tenant", identifier.Replace("\u0000", "", StringComparison.Ordinal));
            var viaHeader = await _client.Anonymous.SendAsync(header);
            Assert.True(viaHeader.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"X-Tenant '{identifier}': {viaHeader.StatusCode}");
            var member = await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/members", new { email = identifier, password = "long enough password" }, host: $"{pair.A}.localhost");
            Assert.True(member.StatusCode == HttpStatusCode.BadRequest, $"member '{identifier}': {member.StatusCode}");
            // On B's host: the platform's and A's sign-in budgets (10 a minute each) stay for the other tests.
            var signIn = await _client.RequestTokenAsync(pair.B, identifier, identifier);
            Assert.True(signIn.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests, $"sign-in '{identifier}': {signIn.StatusCode}");
            attempts += 5;
        }

        // Valid identifiers named like system schemas get a schema of their own (t_...), never the system's.
        foreach (var identifier in new[] { "accounts", "hangfire", "pg-toast", "information-schema" })
        {
            var created = await _client.SendAsync(HttpMethod.Post, "/api/tenants", new { identifier = $"{identifier}-{Guid.NewGuid():N}"[..30], name = "lookalike" });
            Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest, $"create '{identifier}': {created.StatusCode}");
            attempts++;
        }

        await _client.SignInAsOwnerAsync(pair.A);

        // NUL, which PostgreSQL text cannot hold, in data and in a sign-in: a 400 or a failed sign-in, never a 500.
        var nul = await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/products", new { sku = "N\u0000UL", name = "n", price = 1 }, host: $"{pair.A}.localhost");
        await TenancyClient.AssertProblemAsync(nul, HttpStatusCode.BadRequest);
        attempts++;

        // In data, the same text is just text.
        var sku = "'; DROP TABLE products; --";
        var product = await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/products", new { sku, name = "x'); DELETE FROM customers; --", price = 1 }, host: $"{pair.A}.localhost");
        Assert.Equal(HttpStatusCode.Created, product.StatusCode);
        var listed = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/products?pageSize=100", host: $"{pair.A}.localhost"));
        Assert.Contains(listed.GetProperty("data").EnumerateArray(), p => p.GetProperty("sku").GetString() == sku);
        output.WriteLine($"{attempts + 1} attempts");
        await pair.AssertAIntactAsync(_client);
    }

    [Fact]
    public async Task Oversized_bodies_and_headers_are_refused_and_change_nothing()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var host = $"{pair.A}.localhost";
        var cases = new (string Case, Func<Task<HttpResponseMessage>> Send, HttpStatusCode[] Expected)[]
        {
            ("31 MB body", () => SendToAAsync(pair, JsonBody(new string('x', 31 * 1024 * 1024))), [HttpStatusCode.RequestEntityTooLarge]),
            ("1 MB product name", () => _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/products", new { sku = "BIG", name = new string('n', 1024 * 1024), price = 1 }, host: host), [HttpStatusCode.BadRequest]),
            ("1 MB member e-mail", () => _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/members", new { email = new string('e', 1024 * 1024) + "@x.example", password = "long enough password" }, host: host), [HttpStatusCode.BadRequest]),
            ("1 MB password at sign-in", () => _client.RequestTokenAsync(pair.A, TenancyClient.OwnerEmail(pair.A), new string('p', 1024 * 1024)), [HttpStatusCode.BadRequest]),
            ("10,000 order lines", () => _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Post, "/api/orders", new { customerId = pair.CustomerA, locationId = pair.LocationA, lines = Enumerable.Repeat(new { productId = pair.ProductA, quantity = 1 }, 10_000) }, host: host), [HttpStatusCode.BadRequest]),
            ("deeply nested JSON", () => SendToAAsync(pair, JsonBody(new string('[', 10_000) + new string(']', 10_000))), [HttpStatusCode.BadRequest]),
            ("64 KB header", () => SendToAAsync(pair, headers: [("X-Padding", new string('h', 64 * 1024))]), [HttpStatusCode.RequestHeaderFieldsTooLarge]),
            ("64 KB bearer token", () => SendToAAsync(pair, withToken: false, headers: [("Authorization", "Bearer " + new string('t', 64 * 1024))]), [HttpStatusCode.RequestHeaderFieldsTooLarge]),
            ("6 KB bearer token", () => SendToAAsync(pair, withToken: false, headers: [("Authorization", "Bearer " + new string('t', 6 * 1024))]), [HttpStatusCode.Unauthorized]),
            ("200 headers", () => SendToAAsync(pair, headers: [.. Enumerable.Range(0, 200).Select(i => ($"X-Filler-{i}", "x"))]), [HttpStatusCode.RequestHeaderFieldsTooLarge]),
            ("16 KB X-Tenant", () => SendToAAsync(pair, headers: [("X-Tenant", new string('a', 16 * 1024))]), [HttpStatusCode.BadRequest]),
            ("16 KB URL", () => _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/products?x=" + new string('u', 16 * 1024), host: host), [HttpStatusCode.RequestUriTooLong]),
        };

        var failures = new List<string>();
        foreach (var (name, send, expected) in cases)
        {
            HttpStatusCode status;
            try
            {
                using var response = await send();
                status = response.StatusCode;
                if (status == HttpStatusCode.InternalServerError)
                {
                    output.WriteLine(await response.Content.ReadAsStringAsync());
                }
            }
            catch (HttpRequestException) when (expected.Contains(HttpStatusCode.RequestEntityTooLarge))
            {
                // Kestrel answers 413 and closes the connection while the client is still writing.
                status = HttpStatusCode.RequestEntityTooLarge;
            }

            output.WriteLine($"{name}: {(int)status}");
            if (!expected.Contains(status))
            {
                failures.Add($"{name}: expected {string.Join(" or ", expected)}, got {status}");
            }
        }

        failures.ForEach(output.WriteLine);
        Assert.Empty(failures);
        var products = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/products", host: host));
        Assert.Equal(1, products.GetProperty("count").GetInt32());
        Assert.Equal(1, (await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/orders", host: host))).GetProperty("count").GetInt32());
        // The owner is not locked out by the oversized sign-in.
        await _client.SignInAsOwnerAsync(pair.A);
        await pair.AssertAIntactAsync(_client);
    }

    [Fact]
    public async Task Cache_key_forging_never_reaches_another_tenants_entries()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var hostA = $"{pair.A}.localhost";
        var hostB = $"{pair.B}.localhost";
        // Warm A's cache: the list page and the product by id.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/products", host: hostA)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, $"/api/products/{pair.ProductA}", host: hostA)).StatusCode);
        }

        // B asks for the same logical keys, and for keys spelled like another tenant's cache keys.
        var paths = new[]
        {
            "/api/products",
            "/api/products?pageIndex=0&pageSize=20",
            $"/api/products/{pair.ProductA}",
            $"/api/products?pageIndex=0&pageSize=20:t:{pair.TenantIdA}",
            $"/api/products?pageIndex=t:{pair.TenantIdA}:0:products:0:page:0&pageSize=20",
            $"/api/products/t:{pair.TenantIdA}:0:products:0:id:{pair.ProductA}",
            $"/api/products/{pair.ProductA}%3At%3A{pair.TenantIdA}",
            $"/api/reports/daily-sales?date=2026-01-01:t:{pair.TenantIdA}",
            $"/api/notifications?orderId={pair.OrderA}",
        };

        var failures = new List<string>();
        foreach (var path in paths)
        {
            var response = await _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Get, path, host: hostB);
            var text = await response.Content.ReadAsStringAsync();
            if (text.Contains(TenantPair.SecretSku, StringComparison.Ordinal) || text.Contains(pair.ProductA.ToString(), StringComparison.Ordinal) && response.IsSuccessStatusCode)
            {
                failures.Add($"{path}: B read A's entry ({response.StatusCode}): {text[..Math.Min(600, text.Length)]}");
            }

            if (response.StatusCode == HttpStatusCode.InternalServerError)
            {
                failures.Add($"{path}: 500");
            }
        }

        // A's membership is cached on A's space: it does not make A's token good on B.
        await TenancyClient.AssertProblemAsync(await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, "/api/products", host: hostB), HttpStatusCode.Forbidden);
        output.WriteLine($"{paths.Length + 1} forged cache lookups");
        failures.ForEach(output.WriteLine);
        Assert.Empty(failures);
        await pair.AssertAIntactAsync(_client);
    }

    [Fact]
    public async Task Job_parameter_tampering_cannot_make_a_job_run_as_another_tenant()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var hostB = $"{pair.B}.localhost";
        // B places an order, dressing the request and body up as tenant A.
        var product = await _client.CreateProductAsync(pair.B, "B-1", "b's");
        var customer = await _client.CreateAsync(pair.B, "/api/customers", new { name = "b's customer" });
        var location = await _client.CreateAsync(pair.B, "/api/locations", new { name = "b's shop", code = "B1" });
        var request = TenancyClient.NewRequest(
            HttpMethod.Post,
            "/api/orders",
            new
            {
                customerId = customer,
                locationId = location,
                lines = new[] { new { productId = product, quantity = 1 } },
                tenantId = pair.TenantIdA,
                tenant = pair.A,
            },
            host: hostB,
            token: pair.TokenB);
        request.Headers.TryAddWithoutValidation("baggage", $"tenant.id={pair.TenantIdA},tenant.identifier={pair.A}");
        request.Headers.TryAddWithoutValidation("Tenant", pair.A);
        request.Headers.TryAddWithoutValidation("TenantId", pair.TenantIdA.ToString());
        var placed = await _client.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var order = (await TenancyClient.ReadAsync(placed)).GetProperty("id").GetGuid();

        // The confirmation job ran as B (whose order it is), and A has none of it.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        System.Text.Json.JsonElement notification;
        while (true)
        {
            var page = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Get, $"/api/notifications?orderId={order}", host: hostB));
            if (page.GetProperty("count").GetInt32() == 1)
            {
                notification = page.GetProperty("data")[0];
                break;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), "no confirmation within 30 s");
            await Task.Delay(200);
        }

        Assert.Equal(pair.B, notification.GetProperty("tenant").GetString());
        var ofA = await TenancyClient.ReadAsync(await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Get, $"/api/notifications?orderId={order}", host: $"{pair.A}.localhost"));
        Assert.Equal(0, ofA.GetProperty("count").GetInt32());

        // Starting or re-running jobs is for platform admins only.
        var tampering = new (string Case, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Expected)[]
        {
            ("dispatch with B's token", () => _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Post, "/api/jobs/daily-sales-summaries?date=2026-01-01"), HttpStatusCode.Forbidden),
            ("dispatch on B's host", () => _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Post, "/api/jobs/daily-sales-summaries?date=2026-01-01", host: hostB), HttpStatusCode.NotFound),
            ("dashboard with B's token", () => _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Get, "/jobs"), HttpStatusCode.Forbidden),
            ("dashboard requeue with B's token", () => _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Post, "/jobs/jobs/succeeded/requeue"), HttpStatusCode.Forbidden),
            ("dashboard without a token", () => _client.SendWithTokenAsync(null, HttpMethod.Get, "/jobs"), HttpStatusCode.Unauthorized),
            ("dashboard on B's host", () => _client.SendWithTokenAsync(pair.TokenB, HttpMethod.Get, "/jobs", host: hostB), HttpStatusCode.NotFound),
        };
        foreach (var (name, send, expected) in tampering)
        {
            var response = await send();
            Assert.True(response.StatusCode == expected, $"{name}: expected {expected}, got {response.StatusCode}");
        }

        output.WriteLine($"1 tampered order, {tampering.Length} job endpoints refused");
    }

    [Fact]
    public async Task A_removed_member_loses_access_at_once_with_the_token_they_hold()
    {
        var pair = await TenantPair.CreateAsync(_client);
        var host = $"{pair.A}.localhost";
        var email = $"leaver@{pair.A}.example";
        const string password = "departing colleague 123";
        var leaver = await _client.AddMemberAsync(pair.A, email, password, "admin");
        var token = await _client.SignInAsync(pair.A, email, password);
        Assert.Equal(HttpStatusCode.OK, (await _client.SendWithTokenAsync(token, HttpMethod.Get, "/api/products", host: host)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.SendWithTokenAsync(pair.TokenA, HttpMethod.Delete, $"/api/members/{leaver}", host: host)).StatusCode);

        var attempts = new List<HttpResponseMessage>();
        foreach (var (method, path, body) in pair.TenantEndpoints())
        {
            attempts.Add(await _client.SendWithTokenAsync(token, method, path, body, host: host));
        }

        foreach (var response in attempts)
        {
            var problem = await TenancyClient.AssertProblemAsync(response, HttpStatusCode.Forbidden);
            Assert.Contains("no longer a member", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await TenancyClient.AssertProblemAsync(await _client.RequestTokenAsync(pair.A, email, password), HttpStatusCode.Unauthorized);
        output.WriteLine($"{attempts.Count + 1} requests after removal refused");
        await pair.AssertAIntactAsync(_client);
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>To A's products (a POST when there is <paramref name="content"/>), with A's token unless told otherwise, and these headers unvalidated.</summary>
    private Task<HttpResponseMessage> SendToAAsync(TenantPair pair, HttpContent? content = null, bool withToken = true, (string Name, string Value)[]? headers = null)
    {
        var request = TenancyClient.NewRequest(content is null ? HttpMethod.Get : HttpMethod.Post, "/api/products", host: $"{pair.A}.localhost", token: withToken ? pair.TokenA : null);
        request.Content = content;
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return _client.Anonymous.SendAsync(request);
    }
}
