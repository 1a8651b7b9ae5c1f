namespace Tenancy.DeployTests;

/// <summary>azure.yaml, the compiled Bicep and the code agree: every service is deployed, and gets what it reads.</summary>
public sealed class DeploymentConsistencyTests
{
    /// <summary>
    /// Settings a service reads that its code does not name in a form the scanner finds: read by the OpenTelemetry
    /// SDK itself, or through bound options. Add a name here when merged code starts reading one.
    /// </summary>
    private static readonly Dictionary<string, string[]> ReadOutsideScannedCode = new(StringComparer.Ordinal)
    {
        ["api"] =
        [
            "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES",
            "Tenancy__Auth__SigningKeys__{keyId}", "Tenancy__Auth__ActiveKeyId",
            "Tenancy__Admin__Email", "Tenancy__Admin__Password",
            "Tenancy__Migrations__OnStartup",
            // Azure.Identity's managed identity credential: which of the identities the app has (Tenancy.Files).
            "AZURE_CLIENT_ID",
        ],
        ["worker"] = ["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "AZURE_CLIENT_ID"],
    };

    /// <summary>Read when present, and fine to leave unset in Azure (no pooler in front of PostgreSQL; no OTLP collector).</summary>
    private static readonly string[] Optional = ["ConnectionStrings__tenancydb-direct", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>Settings whose values are secrets: they must come from Key Vault references, never a literal value.</summary>
    private static readonly string[] SecretPrefixes =
        ["ConnectionStrings__", "APPLICATIONINSIGHTS_CONNECTION_STRING", "Tenancy__Auth__SigningKeys__", "Tenancy__Admin__Password"];

    [Fact]
    public async Task Every_azure_yaml_service_is_one_container_app_tagged_with_its_name()
    {
        var azureYaml = AzureYaml.Load();
        var apps = DeployedApps.From(await Bicep.MainTemplateAsync());

        Assert.Equal(["api", "worker"], azureYaml.Services.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(azureYaml.Services.Keys.Order(StringComparer.Ordinal), apps.Select(a => a.ServiceName).Order(StringComparer.Ordinal));
        foreach (var (name, service) in azureYaml.Services)
        {
            Assert.Equal("dotnet", service.Language);
            Assert.Equal("containerapp", service.Host);
            Assert.Null(service.Docker);
            Assert.Single(Directory.GetFiles(Repository.PathOf(service.Project), "*.csproj"));
        }
    }

    [Fact]
    public async Task Each_app_gets_exactly_the_settings_its_code_reads()
    {
        var azureYaml = AzureYaml.Load();
        var apps = DeployedApps.From(await Bicep.MainTemplateAsync());

        foreach (var app in apps)
        {
            var read = AppSettingsScanner.Scan(Repository.PathOf(azureYaml.Services[app.ServiceName].Project));
            Assert.Contains("ConnectionStrings__tenancydb", read);
            // The application role (no BYPASSRLS) that serves tenant data: required, or row-level security is moot.
            Assert.Contains("ConnectionStrings__tenancydb-app", read);
            var expected = read.Concat(ReadOutsideScannedCode[app.ServiceName]).Select(DeployedApps.Normalize).ToHashSet(StringComparer.Ordinal);
            var set = app.Env.Select(e => e.Name).ToList();

            Assert.Equal(set.Distinct(StringComparer.Ordinal).Count(), set.Count);
            var missing = expected.Except(set).Except(Optional).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"{app.ServiceName}: the code reads {string.Join(", ", missing)}, which the Bicep does not set.");
            var unread = set.Except(expected).Except(Optional).Order(StringComparer.Ordinal).ToList();
            Assert.True(unread.Count == 0, $"{app.ServiceName}: the Bicep sets {string.Join(", ", unread)}, which no code reads.");
        }
    }

    [Fact]
    public async Task Secrets_reach_the_apps_only_as_Key_Vault_references()
    {
        var apps = DeployedApps.From(await Bicep.MainTemplateAsync());

        foreach (var app in apps)
        {
            foreach (var setting in app.Env.Where(e => SecretPrefixes.Any(p => e.Name.StartsWith(p, StringComparison.Ordinal))))
            {
                Assert.True(setting.FromSecret, $"{app.ServiceName}: {setting.Name} is a literal value, not a secret reference.");
                Assert.Contains(setting.SecretRef!, app.SecretNames);
            }

            var secrets = app.Module["properties"]!["parameters"]!["secrets"]!["value"]!.AsArray();
            Assert.All(secrets, s =>
            {
                Assert.Null(s!["value"]);
                Assert.StartsWith("[format('{0}secrets/", (string?)s["keyVaultUrl"], StringComparison.Ordinal);
                Assert.NotNull(s["identity"]);
            });
        }
    }

    [Fact]
    public async Task Redis_accepts_only_TLS_with_a_password_and_PostgreSQL_only_Azure_services()
    {
        var template = await Bicep.MainTemplateAsync();
        var nested = DeployedApps.Resources(template)
            .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
            .SelectMany(m => DeployedApps.Resources(m["properties"]!["template"]!.AsObject()))
            .ToList();

        var redis = Assert.Single(nested, r => (string?)r["type"] == "Microsoft.Cache/redis");
        Assert.False((bool)redis["properties"]!["enableNonSslPort"]!);
        Assert.Equal("1.2", (string?)redis["properties"]!["minimumTlsVersion"]);
        Assert.Equal("false", (string?)redis["properties"]!["redisConfiguration"]!["authnotrequired"]);
        Assert.False((bool)redis["properties"]!["disableAccessKeyAuthentication"]!);
        var cacheSecret = Assert.Single(nested, r => (string?)r["type"] == "Microsoft.KeyVault/vaults/secrets" && ((string?)r["name"])?.Contains("cache-connection-string", StringComparison.Ordinal) == true);
        Assert.Contains("password=", (string?)cacheSecret["properties"]!["value"], StringComparison.Ordinal);
        var firewall = Assert.Single(nested, r => (string?)r["type"] == "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules");
        Assert.Equal("0.0.0.0", (string?)firewall["properties"]!["startIpAddress"]);
        Assert.Equal("0.0.0.0", (string?)firewall["properties"]!["endIpAddress"]);
        var vault = Assert.Single(nested, r => (string?)r["type"] == "Microsoft.KeyVault/vaults" && r["existing"] is null);
        Assert.True((bool)vault["properties"]!["enableRbacAuthorization"]!);
    }

    [Fact]
    public async Task Tenant_files_storage_takes_only_the_apps_identity_over_TLS_and_no_anonymous_reads()
    {
        var template = await Bicep.MainTemplateAsync();
        var nested = DeployedApps.Resources(template)
            .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
            .SelectMany(m => DeployedApps.Resources(m["properties"]!["template"]!.AsObject()))
            .ToList();

        var storage = Assert.Single(nested, r => (string?)r["type"] == "Microsoft.Storage/storageAccounts");
        var properties = storage["properties"]!;
        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        // Storage Blob Data Contributor (read, write, delete) and Storage Blob Delegator (user-delegation SAS links).
        var module = DeployedApps.Resources(template).Single(m => (string?)m["type"] == "Microsoft.Resources/deployments"
            && DeployedApps.Resources(m["properties"]!["template"]!.AsObject()).Any(r => (string?)r["type"] == "Microsoft.Storage/storageAccounts"));
        var moduleText = module.ToJsonString();
        Assert.Equal(2, DeployedApps.Resources(module["properties"]!["template"]!.AsObject()).Count(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments"));
        Assert.Contains("ba92f5b4-2d11-453d-a403-e96b0029c9fe", moduleText, StringComparison.Ordinal);
        Assert.Contains("db58b8e5-c6ad-4a2a-8342-4190687cbf4a", moduleText, StringComparison.Ordinal);
        foreach (var app in DeployedApps.From(template))
        {
            Assert.Contains(app.Env, e => e.Name == "ConnectionStrings__files" && e.FromSecret);
            Assert.Contains(app.Env, e => e.Name == "AZURE_CLIENT_ID");
        }
    }

    [Fact]
    public async Task Main_parameters_json_gives_every_required_parameter_and_no_unknown_one()
    {
        var template = await Bicep.MainTemplateAsync();
        var declared = template["parameters"]!.AsObject();
        var given = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra/main.parameters.json")))!["parameters"]!.AsObject();

        Assert.Empty(given.Select(p => p.Key).Except(declared.Select(p => p.Key)));
        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.Empty(required.Except(given.Select(p => p.Key)));
        // Generated secrets are read back from Key Vault on later provisions, never written into the file.
        foreach (var secure in declared.Where(p => (string?)p.Value!["type"] == "securestring"))
        {
            Assert.StartsWith("$(secretOrRandomPassword ${AZURE_KEY_VAULT_NAME} ", (string?)given[secure.Key]?["value"], StringComparison.Ordinal);
        }
    }
}
