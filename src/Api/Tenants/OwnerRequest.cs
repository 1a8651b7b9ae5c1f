namespace Tenancy.Api.Tenants;

/// <summary>
/// The tenant's first owner (see <see cref="Tenancy.Accounts.Members.FirstOwner"/>): a new user, with a password, or an
/// existing user of another tenant, whose password stays as it is.
/// </summary>
public sealed record OwnerRequest(string? Email, string? Password);
