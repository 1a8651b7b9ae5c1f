using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Npgsql;
using StackExchange.Redis;

namespace Tenancy.Cli;

/// <summary>
/// The connection strings a command works with. The database (the owner's connection) is <c>--connection</c>, else
/// <c>ConnectionStrings__tenancydb</c>, else the running AppHost's <c>connections.json</c>. The application role's
/// connection and the cache's are <c>ConnectionStrings__tenancydb-app</c> and <c>ConnectionStrings__cache</c>, else
/// that same file, which is read only when it names the database too: its strings describe one running system and
/// are never mixed with another database. None of them is ever written out, in full or in part.
/// </summary>
/// <param name="File">The <c>connections.json</c> the database came from, or null when it was given.</param>
/// <param name="Files">Tenant files' storage (<c>ConnectionStrings__files</c>, else the same file): backups, clones and deletions take the files along.</param>
internal sealed record CliConnections(string Database, string? Application, string? Cache, string? File, string? Files = null)
{
    public const string DatabaseName = "tenancydb";
    public const string ApplicationName = DatabaseName + "-app";
    public const string CacheName = "cache";
    public const string DatabaseVariable = "ConnectionStrings__" + DatabaseName;
    public const string ApplicationVariable = "ConnectionStrings__" + ApplicationName;
    public const string CacheVariable = "ConnectionStrings__" + CacheName;
    public const string FilesName = "files";
    public const string FilesVariable = "ConnectionStrings__" + FilesName;
    public const string FileName = AppHostData.ConnectionsFileName;

    /// <exception cref="CliUsageException">No source names a database, or the one that does is unreadable or malformed.</exception>
    public static CliConnections Find(string? connectionOption, string? appHostDataOption, Func<string, string?> environment)
    {
        var application = Source(environment, ApplicationVariable);
        var cache = Source(environment, CacheVariable);
        var files = Value(environment(FilesVariable));
        (string? Value, string Source) database = Value(connectionOption) is { } given ? (given, "--connection") : Source(environment, DatabaseVariable);
        string? path = null;
        if (database.Value is null)
        {
            path = Path.Combine(AppHostDataFolder.Find(appHostDataOption, environment), FileName);
            var file = Read(path);
            database = (Value(file.GetConnectionString(DatabaseName)) ?? throw new CliUsageException($"{path} names no ConnectionStrings:{DatabaseName}"), path);
            application = application.Value is null ? (Value(file.GetConnectionString(ApplicationName)), path) : application;
            cache = cache.Value is null ? (Value(file.GetConnectionString(CacheName)), path) : cache;
            files ??= Value(file.GetConnectionString(FilesName));
        }

        return new CliConnections(
            Postgres(DatabaseName, database)!,
            Postgres(ApplicationName, application),
            Redis(cache),
            path,
            files);
    }

    private static IConfiguration Read(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new CliUsageException(
                $"no database: no running AppHost ({path} not found); start it (dotnet run --project src/AppHost), or pass --connection or set {DatabaseVariable}");
        }

        try
        {
            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot read {path}: permission denied (the AppHost writes it for its own user only: run as that user)");
        }
        catch (IOException ex)
        {
            throw new CliUsageException($"cannot read {path}: {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            // Never the parser's own message: it quotes the text it stopped at, which may be part of a password.
            throw new CliUsageException(ex.InnerException?.InnerException is JsonException { LineNumber: { } line }
                ? $"{path} is not valid JSON (line {line + 1})"
                : $"{path} is not a connections file (expected {{\"ConnectionStrings\":{{\"{DatabaseName}\":…}}}})");
        }
    }

    private static (string? Value, string Source) Source(Func<string, string?> environment, string variable) => (Value(environment(variable)), variable);

    // Never the parsers' messages, here or below: for a password holding an unquoted ';' they name its tail as a keyword.
    private static string? Postgres(string name, (string? Value, string Source) connection)
    {
        try
        {
            _ = connection.Value is null ? null : new NpgsqlConnectionStringBuilder(connection.Value);
        }
        catch (ArgumentException)
        {
            throw new CliUsageException($"invalid connection string {name} ({connection.Source}): not a PostgreSQL one (Host=…;Port=…;Username=…;Password=…;Database=…)");
        }

        return connection.Value;
    }

    private static string? Redis((string? Value, string Source) connection)
    {
        try
        {
            _ = connection.Value is null ? null : ConfigurationOptions.Parse(connection.Value);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new CliUsageException($"invalid connection string {CacheName} ({connection.Source}): not a Redis one (host:port,password=…)");
        }

        return connection.Value;
    }

    private static string? Value(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>
/// The AppHost's data folder, where it writes <c>connections.json</c> while it runs: <c>--apphost-data</c>, else
/// <c>TENANCY_APPHOST_DATA</c>, else the AppHost's own setting (<c>AppHost__DataDirectory</c>), else its default.
/// </summary>
internal static class AppHostDataFolder
{
    public const string Variable = "TENANCY_APPHOST_DATA";
    public const string AppHostSettingVariable = "AppHost__DataDirectory";

    public static string Find(string? option, Func<string, string?> environment)
    {
        var configured = new[] { option, environment(Variable), environment(AppHostSettingVariable) }.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        return configured is null ? AppHostData.DefaultFolder() : Path.GetFullPath(configured);
    }
}
