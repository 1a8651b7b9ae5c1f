using Tenancy.Accounts.Users;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Accounts.Members;

/// <summary>
/// The owner created with a tenant (<c>POST /api/tenants</c>, <c>tenancy tenants create</c>). Everything that can be
/// refused is checked before the tenant is provisioned; if adding the owner still fails, the new tenant is deleted
/// again (its data is dropped in the background), so a failed creation leaves no tenant nobody can sign in to.
/// </summary>
public sealed class FirstOwner(MemberService members, TenantRegistry registry)
{
    /// <summary>Per-field errors (named <paramref name="prefix"/>email, …password), empty when the owner can be added.</summary>
    public async Task<Dictionary<string, string[]>> ValidateAsync(string? email, string? password, string prefix, CancellationToken cancellationToken)
    {
        var errors = members.Validate(email, password, prefix);
        if (errors.Count == 0 && password is null && !await members.UserExistsAsync(email!, cancellationToken))
        {
            errors[prefix + "password"] = ["A new user needs a password."];
        }

        return errors;
    }

    public async Task AddAsync(Tenant tenant, string email, string? password, CancellationToken cancellationToken)
    {
        try
        {
            // Whoever creates the tenant (a platform admin, the CLI's operator) gives it its owner.
            await members.AddAsync(TenantInfo.From(tenant), email, password, TenantRole.Owner, actorRole: TenantRole.Owner, cancellationToken);
        }
        catch
        {
            await registry.DeleteAsync(tenant.Identifier, CancellationToken.None);
            throw;
        }
    }
}
