using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Tenancy.DeployTests;

/// <summary>An environment variable a container app gets: a literal name, or a pattern (<c>{}</c>) when a parameter names it.</summary>
internal sealed record EnvSetting(string Name, bool FromSecret, string? SecretRef);

/// <summary>A container app of the compiled template, with what its module was given.</summary>
internal sealed record DeployedApp(string ServiceName, IReadOnlyList<EnvSetting> Env, IReadOnlyList<string> SecretNames, JsonObject Module);

/// <summary>
/// Reads the container apps out of the ARM JSON that <c>bicep build</c> writes: every module deployment whose template
/// holds a Microsoft.App/containerApps resource, its <c>azd-service-name</c> tag (resolved when it names a module
/// parameter) and the <c>env</c> and <c>secrets</c> the module was called with.
/// </summary>
internal static partial class DeployedApps
{
    public static IReadOnlyList<DeployedApp> From(JsonObject template) =>
        [.. Resources(template)
            .Where(r => (string?)r["type"] == "Microsoft.Resources/deployments")
            .SelectMany(module => Resources(module["properties"]!["template"]!.AsObject())
                .Where(r => (string?)r["type"] == "Microsoft.App/containerApps")
                .Select(app => Read(module, app)))];

    /// <summary>The resources of a template, whether bicep wrote them as an array or (with symbolic names) an object.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject byName => byName.Select(p => p.Value!.AsObject()),
        _ => [],
    };

    private static DeployedApp Read(JsonObject module, JsonObject app)
    {
        var parameters = module["properties"]!["parameters"]!.AsObject();
        var tag = (string?)app["tags"]?["azd-service-name"] ?? throw new InvalidOperationException($"{app["name"]} has no azd-service-name tag.");
        var serviceName = ParameterReference().Match(tag) is { Success: true } reference
            ? (string)parameters[reference.Groups["name"].Value]!["value"]!
            : tag;
        var env = parameters["env"]?["value"]?.AsArray().Select(e => new EnvSetting(
            NameOf((string)e!["name"]!),
            e["secretRef"] is not null,
            (string?)e["secretRef"])).ToList() ?? [];
        var secrets = parameters["secrets"]?["value"]?.AsArray().Select(s => (string)s!["name"]!).ToList() ?? [];
        return new DeployedApp(serviceName, env, secrets, module);
    }

    /// <summary><c>[format('A__{0}', parameters('x'))]</c> becomes <c>A__{}</c>; a literal stays as it is.</summary>
    private static string NameOf(string name) =>
        FormatExpression().Match(name) is { Success: true } format
            ? Placeholder().Replace(format.Groups["pattern"].Value, "{}")
            : name;

    public static string Normalize(string name) => Placeholder().Replace(name, "{}");

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex ParameterReference();

    [GeneratedRegex(@"^\[format\('(?<pattern>[^']*)'")]
    private static partial Regex FormatExpression();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Placeholder();
}
