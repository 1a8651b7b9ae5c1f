using Tenancy.Moves;
using Tenancy.Tenants;

namespace Tenancy.Backup;

/// <summary>
/// <c>manifest.json</c> of a tenant archive: whose rows, at which migration, and what each table held (rows and
/// checksum, as <see cref="TenantRowCopier.ChecksumAsync"/> computes them), parents first. Each table's rows are
/// <c>tables/{name}.copy</c>, in PostgreSQL's binary COPY format.
/// </summary>
public sealed record TenantArchiveManifest(
    int Format,
    Guid TenantId,
    string Identifier,
    TenantIsolation Isolation,
    IReadOnlyList<string> Migrations,
    IReadOnlyList<TenantArchiveTable> Tables,
    DateTimeOffset CreatedAt)
{
    public const int CurrentFormat = 1;

    public const string EntryName = "manifest.json";

    public static string TableEntry(string table) => $"tables/{table}.copy";
}

public sealed record TenantArchiveTable(string Name, long Rows, string Md5);
