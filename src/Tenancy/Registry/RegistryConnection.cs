namespace Tenancy.Registry;

/// <summary>
/// How to reach the registry database without a pooler in between, for sessions that must outlive a transaction
/// (LISTEN, schema migrations' advisory locks). Equal to the ordinary connection string when no pooler is used.
/// </summary>
public sealed record RegistryConnection(string DirectConnectionString);
