using Tenancy.Accounts.Members;
using Tenancy.Accounts.Users;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Api.Tenants;

/// <summary>
/// The first owner that <c>POST /api/tenants</c> creates with the tenant. Everything that can be refused is checked
/// before the tenant is provisioned; if adding the owner still fails, the new tenant is deleted again (its data is
/// dropped in the background), so a failed request leaves no tenant that nobody can sign in to.
/// </summary>
public sealed class TenantOwners(MemberService members, TenantRegistry registry)
{
    public async Task<Dictionary<string, string[]>> ValidateAsync(OwnerRequest? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return [];
        }

        var errors = members.Validate(owner.Email, owner.Password, prefix: "owner.");
        if (errors.Count == 0 && owner.Password is null && !await members.UserExistsAsync(owner.Email!, cancellationToken))
        {
            errors["owner.password"] = ["A new user needs a password."];
        }

        return errors;
    }

    public async Task AddAsync(Tenant tenant, OwnerRequest? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return;
        }

        try
        {
            await members.AddAsync(TenantInfo.From(tenant), owner.Email, owner.Password, TenantRole.Owner, cancellationToken);
        }
        catch
        {
            await registry.DeleteAsync(tenant.Identifier, CancellationToken.None);
            throw;
        }
    }
}
