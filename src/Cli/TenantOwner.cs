using System.Security.Cryptography;
using Tenancy.Accounts.Members;
using Tenancy.Accounts.Startup;
using Tenancy.Accounts.Users;
using Tenancy.Registry;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>
/// <c>tenants create --owner-email [--owner-password]</c>: the first owner, checked before the tenant is provisioned
/// and added right after; if adding fails, the tenant is deleted again so nothing is left that nobody can sign in to.
/// </summary>
internal sealed record TenantOwner(string Email, string? Password, bool Generated)
{
    public static async Task<TenantOwner?> CheckAsync(CliServices services, string? email, string? password, CancellationToken cancellationToken)
    {
        if (email is null)
        {
            return password is null ? null : throw new CliUsageException("--owner-password needs --owner-email");
        }

        // The accounts tables come with the Api's first start; a database only the CLI has seen may not have them yet.
        await services.Get<AccountsMigrator>().MigrateAsync(cancellationToken);
        var members = services.Get<MemberService>();
        var generated = false;
        if (password is null && !await members.UserExistsAsync(email, cancellationToken))
        {
            password = RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 20);
            generated = true;
        }

        return members.Validate(email, password, prefix: "owner ") is { Count: > 0 } errors
            ? throw new MemberValidationException(errors)
            : new TenantOwner(email, password, generated);
    }

    public static async Task AddAsync(CliServices services, Tenant tenant, TenantOwner? owner, CancellationToken cancellationToken)
    {
        if (owner is null)
        {
            return;
        }

        try
        {
            await services.Get<MemberService>().AddAsync(TenantInfo.From(tenant), owner.Email, owner.Password, TenantRole.Owner, cancellationToken);
        }
        catch
        {
            await services.Get<TenantRegistry>().DeleteAsync(tenant.Identifier, CancellationToken.None);
            throw;
        }
    }
}
