namespace Tenancy.DeployTests;

public sealed class BicepBuildTests
{
    [Fact]
    public async Task Main_bicep_compiles_without_errors_or_warnings()
    {
        var build = await Bicep.BuildMainAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        // Linter and type warnings are printed to stderr; CI treats them like compiler warnings: none allowed.
        Assert.True(string.IsNullOrWhiteSpace(build.Error), build.Error);
        Assert.Contains("\"$schema\"", build.Output, StringComparison.Ordinal);
    }
}
