namespace Tenancy.Api.Tenants;

/// <summary>The tenant's first owner: a new user (with a password), or an existing user of another tenant (password ignored).</summary>
public sealed record OwnerRequest(string? Email, string? Password);
