namespace Tenancy.Isolation;

/// <summary>
/// Quotes a PostgreSQL identifier (schema, table) for the few statements that cannot take it as a parameter
/// (CREATE SCHEMA, DROP TABLE, SET search_path). The names come from code or the catalogue, never from input;
/// quoting keeps even a tampered value one identifier.
/// </summary>
public static class SqlIdentifier
{
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
