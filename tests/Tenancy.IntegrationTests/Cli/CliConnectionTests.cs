using Npgsql;
using Tenancy.Cli;

namespace Tenancy.IntegrationTests.Cli;

/// <summary>
/// Where the CLI finds its connections: --connection, else the environment, else the running AppHost's
/// connections.json; what it says when none names a database or the file is unusable; never a secret in its output.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CliConnectionTests(PostgresFixture postgres) : IDisposable
{
    /// <summary>A password that must never appear in anything the CLI writes.</summary>
    private const string Secret = "hunter2-never-shown";

    private readonly AppHostFolders _folders = new();

    /// <summary>The fixture's server on a port nothing listens on, as a file left by a stopped AppHost would name it.</summary>
    private string Unreachable => new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Port = 1, Password = Secret }.ConnectionString;

    [Fact]
    public async Task While_the_AppHost_runs_its_connections_json_is_all_the_cli_needs()
    {
        var folder = _folders.WithConnections(postgres.ConnectionString, cache: postgres.CacheConnectionString);
        var identifier = PostgresFixture.NewIdentifier("found");

        var created = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "create", identifier, "--name", "Found");
        var listed = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables(), "tenants", "list", "--json", "--apphost-data", folder);
        var shown = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.AppHostSettingVariable, folder)), "tenants", "show", identifier);
        var shownJson = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "show", identifier, "--json");
        var purged = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "cache", "purge", identifier);

        Assert.Contains($"created tenant {identifier}", created.Output, StringComparison.Ordinal);
        Assert.Contains(listed.Json().EnumerateArray(), t => t.GetProperty("identifier").GetString() == identifier);
        Assert.Contains(identifier, shown.Output, StringComparison.Ordinal);
        Assert.Equal(identifier, shownJson.Json().GetProperty("identifier").GetString());
        Assert.Contains($"purged the cache of tenant {identifier}", purged.Output, StringComparison.Ordinal);
        Assert.All(new[] { created, listed, shown, shownJson, purged }, r => r.AssertShowsNone(CliRun.Passwords(postgres.ConnectionString, postgres.CacheConnectionString)));
    }

    [Fact]
    public async Task The_option_beats_the_environment_which_beats_the_file_which_is_not_even_read_then()
    {
        var identifier = PostgresFixture.NewIdentifier("order");
        await new CliRun(postgres.ConnectionString).ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Precedence");
        var malformed = _folders.WithFile("{\"ConnectionStrings\": {\"tenancydb\": \"Password=" + Secret);

        var option = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((CliConnections.DatabaseVariable, Unreachable), (AppHostDataFolder.Variable, malformed)),
            "tenants", "show", identifier, "--connection", postgres.ConnectionString);
        var environment = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((CliConnections.DatabaseVariable, postgres.ConnectionString), (AppHostDataFolder.Variable, malformed)),
            "tenants", "show", identifier);
        var file = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.Variable, _folders.WithConnections(postgres.ConnectionString))),
            "tenants", "show", identifier);

        Assert.All(new[] { option, environment, file }, r => Assert.Contains(identifier, r.Output, StringComparison.Ordinal));
        Assert.All(new[] { option, environment, file }, r => r.AssertShowsNone([Secret, .. CliRun.Passwords(postgres.ConnectionString)]));
    }

    [Fact]
    public async Task A_file_left_by_a_stopped_apphost_fails_with_one_line_naming_it()
    {
        var folder = _folders.WithConnections(Unreachable);

        var result = await CliRun.ExpectWithAsync(ExitCodes.Failed, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "list");

        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("tenancy: error: database: ", line, StringComparison.Ordinal);
        Assert.EndsWith($"(the address is from {Path.Combine(folder, "connections.json")}: is that AppHost running?)", line, StringComparison.Ordinal);
        result.AssertShowsNone([Secret]);
    }

    [Fact]
    public async Task The_cache_is_the_environments_before_the_files_and_never_from_a_file_that_does_not_name_the_database()
    {
        var identifier = PostgresFixture.NewIdentifier("cache");
        await new CliRun(postgres.ConnectionString).ExpectAsync(ExitCodes.Ok, "tenants", "create", identifier, "--name", "Cache");
        // A cache nothing answers at: purging through it would fail.
        var folder = _folders.WithConnections(postgres.ConnectionString, cache: $"127.0.0.1:1,password={Secret}");

        var fromEnvironment = await CliRun.ExpectWithAsync(ExitCodes.Ok, CliRun.Variables((AppHostDataFolder.Variable, folder), (CliConnections.CacheVariable, postgres.CacheConnectionString)),
            "tenants", "cache", "purge", identifier);
        // The database named by the environment: that file describes another system, and lends it nothing.
        var notMixed = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables((AppHostDataFolder.Variable, folder), (CliConnections.DatabaseVariable, postgres.ConnectionString)),
            "tenants", "cache", "purge", identifier);

        Assert.Contains($"purged the cache of tenant {identifier}", fromEnvironment.Output, StringComparison.Ordinal);
        Assert.Equal("tenancy: error: no cache: set ConnectionStrings__cache", Assert.Single(notMixed.ErrorLines));
        Assert.All(new[] { fromEnvironment, notMixed }, r => r.AssertShowsNone([Secret, .. CliRun.Passwords(postgres.ConnectionString, postgres.CacheConnectionString)]));
    }

    [Fact]
    public async Task With_no_database_anywhere_it_exits_2_with_one_line_saying_what_to_do()
    {
        var (option, variable, setting) = (_folders.Empty(), _folders.Empty(), _folders.Empty());

        var byOption = await CliRun.ExpectWithAsync(ExitCodes.Usage,
            CliRun.Variables((AppHostDataFolder.Variable, variable), (AppHostDataFolder.AppHostSettingVariable, setting)), "tenants", "list", "--apphost-data", option);
        var byVariable = await CliRun.ExpectWithAsync(ExitCodes.Usage,
            CliRun.Variables((AppHostDataFolder.Variable, variable), (AppHostDataFolder.AppHostSettingVariable, setting)), "tenants", "list");
        var bySetting = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables((AppHostDataFolder.AppHostSettingVariable, setting)), "tenants", "list");

        foreach (var (result, folder) in new[] { (byOption, option), (byVariable, variable), (bySetting, setting) })
        {
            Assert.Equal(
                $"tenancy: error: no database: no running AppHost ({Path.Combine(folder, "connections.json")} not found); " +
                "start it (dotnet run --project src/AppHost), or pass --connection or set ConnectionStrings__tenancydb",
                Assert.Single(result.ErrorLines));
            Assert.Empty(result.Output);
        }
    }

    [Fact]
    public async Task Without_any_setting_the_file_is_looked_for_where_the_apphost_writes_it()
    {
        var xdg = _folders.Empty();
        var expected = System.Environment.UserName == "root"
            ? "/var/lib/tenancy/apphost/connections.json"
            : Path.Combine(xdg, "tenancy", "apphost", "connections.json");
        if (File.Exists(expected))
        {
            // An AppHost runs on this machine: its file would be read, which is right but not what this test can check.
            return;
        }

        var result = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables(("XDG_DATA_HOME", xdg)), "tenants", "list");

        Assert.Contains($"({expected} not found)", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"ConnectionStrings\": {\"tenancydb\": \"Host=x;Password=" + Secret, "is not valid JSON (line 1)")]
    [InlineData("{\n  \"ConnectionStrings\": {\n    \"tenancydb\": \"Password=" + Secret + "\"\n    \"cache\": \"x\"\n  }\n}", "is not valid JSON (line 4)")]
    [InlineData("[\"" + Secret + "\"]", "is not a connections file (expected {\"ConnectionStrings\":{\"tenancydb\":…}})")]
    [InlineData("{\"ConnectionStrings\": {\"cache\": \"127.0.0.1:1,password=" + Secret + "\"}}", "names no ConnectionStrings:tenancydb")]
    public async Task A_malformed_file_is_one_line_without_its_content(string content, string reason)
    {
        var folder = _folders.WithFile(content);

        var result = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "list");

        Assert.Equal($"tenancy: error: {Path.Combine(folder, "connections.json")} {reason}", Assert.Single(result.ErrorLines));
        result.AssertShowsNone([Secret]);
    }

    [Theory]
    // An unquoted ';' in a password: the parser would name the password's tail as an unknown keyword.
    [InlineData("tenancydb", "Host=127.0.0.1;Username=postgres;Password=hunter2;never-shown;Database=x", "not a PostgreSQL one")]
    [InlineData("tenancydb-app", "Host=127.0.0.1;Username=tenancy_app;Password=hunter2;never-shown", "not a PostgreSQL one")]
    [InlineData("cache", "127.0.0.1:6379,password=hunter2,never-shown=1", "not a Redis one")]
    public async Task A_malformed_connection_string_is_named_by_where_it_came_from_and_never_shown(string name, string value, string reason)
    {
        var inFile = new Dictionary<string, string> { ["tenancydb"] = postgres.ConnectionString, [name] = value };
        var folder = _folders.WithFile(System.Text.Json.JsonSerializer.Serialize(new { ConnectionStrings = inFile }));
        var inEnvironment = CliRun.Variables((CliConnections.DatabaseVariable, postgres.ConnectionString));
        inEnvironment["ConnectionStrings__" + name] = value;

        var fromFile = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "list");
        var fromEnvironment = await CliRun.ExpectWithAsync(ExitCodes.Usage, inEnvironment, "tenants", "list");

        Assert.StartsWith($"tenancy: error: invalid connection string {name} ({Path.Combine(folder, "connections.json")}): {reason} (",
            Assert.Single(fromFile.ErrorLines), StringComparison.Ordinal);
        Assert.StartsWith($"tenancy: error: invalid connection string {name} (ConnectionStrings__{name}): {reason} (",
            Assert.Single(fromEnvironment.ErrorLines), StringComparison.Ordinal);
        Assert.All(new[] { fromFile, fromEnvironment }, r => r.AssertShowsNone(["hunter2", "never-shown", .. CliRun.Passwords(postgres.ConnectionString)]));
    }

    [Fact]
    public async Task An_unreadable_file_is_one_line()
    {
        var folder = _folders.WithFile("{}");
        var path = Path.Combine(folder, "connections.json");
        File.SetUnixFileMode(path, UnixFileMode.None);
        if (System.Environment.UserName == "root")
        {
            // Root reads a file whatever its mode: there is no unreadable file to test with.
            return;
        }

        var result = await CliRun.ExpectWithAsync(ExitCodes.Usage, CliRun.Variables((AppHostDataFolder.Variable, folder)), "tenants", "list");

        Assert.Equal($"tenancy: error: cannot read {path}: permission denied (the AppHost writes it for its own user only: run as that user)", Assert.Single(result.ErrorLines));
    }

    public void Dispose() => _folders.Dispose();




}
