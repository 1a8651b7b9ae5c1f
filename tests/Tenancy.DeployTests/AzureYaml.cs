using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Tenancy.DeployTests;

/// <summary>The part of azure.yaml the checks need: its services.</summary>
internal sealed class AzureYaml
{
    public string Name { get; set; } = "";

    public Dictionary<string, AzureYamlService> Services { get; set; } = [];

    public static AzureYaml Load() =>
        new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .IgnoreUnmatchedProperties()
            .Build()
            .Deserialize<AzureYaml>(File.ReadAllText(Repository.PathOf("azure.yaml")));
}

internal sealed class AzureYamlService
{
    public string Project { get; set; } = "";

    public string Language { get; set; } = "";

    public string Host { get; set; } = "";

    public object? Docker { get; set; }
}
