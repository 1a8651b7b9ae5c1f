using System.Text.Json.Nodes;

namespace Tenancy.DeployTests;

/// <summary><c>bicep build</c> of infra/main.bicep with the binary from the Azure.Bicep.CommandLine package.</summary>
internal static class Bicep
{
    private static readonly Lazy<Task<ProcessRun>> MainBuild = new(() => BuildAsync("infra/main.bicep"));

    /// <summary>The compiled ARM template and bicep's diagnostics (warnings and errors go to stderr).</summary>
    public static Task<ProcessRun> BuildMainAsync() => MainBuild.Value;

    public static async Task<JsonObject> MainTemplateAsync()
    {
        var build = await BuildMainAsync();
        Assert.True(build.ExitCode == 0, $"bicep build failed: {build}");
        return JsonNode.Parse(build.Output)!.AsObject();
    }

    private static async Task<ProcessRun> BuildAsync(string file)
    {
        if (!File.Exists(Repository.BicepPath))
        {
            throw new FileNotFoundException("The bicep binary was not restored (package Azure.Bicep.CommandLine.linux-x64).", Repository.BicepPath);
        }

        // A package's files may come without the execute bit.
        File.SetUnixFileMode(Repository.BicepPath, File.GetUnixFileMode(Repository.BicepPath) | UnixFileMode.UserExecute);
        return await ProcessRun.StartAsync(Repository.BicepPath, ["build", Repository.PathOf(file), "--stdout"]);
    }
}
