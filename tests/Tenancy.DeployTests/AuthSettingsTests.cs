using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tenancy.DeployTests;

/// <summary>
/// The Api refuses to start outside Development without a valid signing key (Tenancy.Accounts' SigningKeys): the
/// Bicep must hand it one that decodes to at least 32 bytes, under the key id it also makes active.
/// </summary>
public sealed partial class AuthSettingsTests
{
    /// <summary>Tenancy.Accounts.Tokens.SigningKeys.MinimumKeyBytes (HMAC-SHA256).</summary>
    private const int MinimumKeyBytes = 32;

    /// <summary>
    /// What azd's <c>$(secretOrRandomPassword …)</c> generates: 5 lower-case letters, 5 upper-case letters and 5 digits
    /// (cli/azd/pkg/cmdsubst/secretOrRandomPassword.go in Azure/azure-dev).
    /// </summary>
    private const int AzdGeneratedLength = 15;

    [Fact]
    public async Task The_signing_key_is_the_base64_of_at_least_32_generated_bytes()
    {
        var template = await Bicep.MainTemplateAsync();
        var vault = Assert.Single(DeployedApps.Resources(template), r =>
            (string?)r["type"] == "Microsoft.Resources/deployments" && r["properties"]!["parameters"]!["readerPrincipalId"] is not null);
        var key = (string)vault["properties"]!["parameters"]!["secrets"]!["value"]!["auth-signing-key"]!;

        // base64 of the generated seeds, concatenated (one seed alone is a plain parameter reference).
        var seeds = SeedParameter().Matches(key).Select(m => m.Groups["name"].Value).ToList();
        Assert.Matches(@"^\[base64\((parameters\('[^']+'\)|format\('(\{\d+\})+'(, parameters\('[^']+'\))+\))\)\]$", key);
        Assert.Equal(seeds.Count, seeds.Distinct(StringComparer.Ordinal).Count());
        var given = JsonNode.Parse(File.ReadAllText(Repository.PathOf("infra/main.parameters.json")))!["parameters"]!.AsObject();
        var secretNames = seeds.Select(seed =>
        {
            var value = (string?)given[seed]?["value"];
            Assert.Matches(@"^\$\(secretOrRandomPassword \$\{AZURE_KEY_VAULT_NAME\} [a-z0-9-]+\)$", value);
            return value;
        }).ToList();
        Assert.Equal(secretNames.Count, secretNames.Distinct(StringComparer.Ordinal).Count());
        Assert.True(seeds.Count * AzdGeneratedLength >= MinimumKeyBytes, $"The signing key decodes to {seeds.Count * AzdGeneratedLength} bytes; SigningKeys needs {MinimumKeyBytes}.");
    }

    [Fact]
    public async Task The_api_gets_that_key_under_the_id_it_makes_active_and_the_admin_it_reads()
    {
        var api = Assert.Single(DeployedApps.From(await Bicep.MainTemplateAsync()), a => a.ServiceName == "api");
        var parameters = api.Module["properties"]!["parameters"]!;
        var env = parameters["env"]!["value"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var secrets = parameters["secrets"]!["value"]!.AsArray().Select(s => s!.AsObject()).ToList();

        var signingKey = Assert.Single(env, e => ((string)e["name"]!).Contains("Tenancy__Auth__SigningKeys__", StringComparison.Ordinal));
        Assert.Equal("[format('Tenancy__Auth__SigningKeys__{0}', parameters('authSigningKeyId'))]", (string?)signingKey["name"]);
        var keySecret = Assert.Single(secrets, s => (string?)s["name"] == (string?)signingKey["secretRef"]);
        Assert.StartsWith("[format('{0}secrets/auth-signing-key', ", (string?)keySecret["keyVaultUrl"], StringComparison.Ordinal);
        Assert.Equal("[parameters('authSigningKeyId')]", (string?)Assert.Single(env, e => (string?)e["name"] == "Tenancy__Auth__ActiveKeyId")["value"]);
        // AccountsStartup refuses an admin e-mail without a password: both, or neither.
        Assert.Single(env, e => (string?)e["name"] == "Tenancy__Admin__Email");
        Assert.NotNull(Assert.Single(env, e => (string?)e["name"] == "Tenancy__Admin__Password")["secretRef"]);
    }

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)")]
    private static partial Regex SeedParameter();
}
