using Microsoft.Extensions.Configuration;
using Npgsql;
using Tenancy.Tenants;

namespace Tenancy.Placement;

/// <summary>
/// Connection strings of tenant stores. The registry holds only a connection reference, never a credential: a
/// reference names the configuration key <c>Tenancy:Connections:{reference}</c> (an environment variable or a vault
/// provider in production). Without one, a tenant database lives on the main server.
/// Two identities: the owner (<c>ConnectionStrings:{name}</c>) runs DDL, migrations and moves; the application role
/// (<c>ConnectionStrings:{name}-app</c>, not the owner, no BYPASSRLS) serves tenant data, so row-level security holds.
/// </summary>
/// <param name="applicationRole">
/// The role to grant when <paramref name="applicationConnectionString"/> is not known: a tool that holds only the
/// owner's credentials (the CLI) still leaves every store it builds usable by the role the services log in as.
/// </param>
public sealed class TenantStoreConnections(IConfiguration configuration, string ownerConnectionString, string? applicationConnectionString, string? applicationRole = null)
{
    public const string ReferenceSection = "Tenancy:Connections";

    public string OwnerConnectionString { get; } = ownerConnectionString;

    /// <summary>The application role's connection string; the owner's when no application role is configured.</summary>
    public string ApplicationConnectionString { get; } = applicationConnectionString ?? ownerConnectionString;

    /// <summary>The role that serves tenant data and is granted access to every tenant table, or null when the owner serves it.</summary>
    public string? ApplicationRole { get; } = applicationConnectionString is null ? applicationRole : new NpgsqlConnectionStringBuilder(applicationConnectionString).Username;

    public bool IsKnownReference(string reference) => !string.IsNullOrEmpty(configuration[$"{ReferenceSection}:{reference}"]);

    /// <summary>The owner's connection to the tenant's own database (DDL, migrations, copies).</summary>
    public string OwnerFor(TenantInfo tenant) => ForDatabase(tenant, OwnerConnectionString);

    /// <summary>The application's connection to the tenant's own database.</summary>
    public string ApplicationFor(TenantInfo tenant) => ForDatabase(tenant, ApplicationConnectionString);

    /// <summary>The application's connection to <paramref name="database"/> on the server named by <paramref name="reference"/> (the main one when null).</summary>
    public string ApplicationFor(string database, string? reference) =>
        new NpgsqlConnectionStringBuilder(reference is null ? ApplicationConnectionString : Resolve(reference)) { Database = database }.ConnectionString;

    /// <summary>The owner's connection to <paramref name="database"/> on the server named by <paramref name="reference"/> (the main one when null).</summary>
    public string OwnerFor(string database, string? reference) =>
        new NpgsqlConnectionStringBuilder(reference is null ? OwnerConnectionString : Resolve(reference)) { Database = database }.ConnectionString;

    private string ForDatabase(TenantInfo tenant, string mainServer)
    {
        var database = tenant.DatabaseName ?? throw new InvalidOperationException($"Tenant '{tenant.Identifier}' has no database.");
        // On another server the reference's own credentials serve both purposes.
        return new NpgsqlConnectionStringBuilder(tenant.ConnectionReference is { } reference ? Resolve(reference) : mainServer) { Database = database }.ConnectionString;
    }

    /// <summary>The configured connection string of <paramref name="reference"/>.</summary>
    public string ReferenceConnectionString(string reference) => Resolve(reference);

    private string Resolve(string reference) =>
        configuration[$"{ReferenceSection}:{reference}"]
        ?? throw new InvalidOperationException($"The connection reference '{reference}' is not configured ({ReferenceSection}:{reference}).");
}
