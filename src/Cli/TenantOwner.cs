using Tenancy.Accounts.Members;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Startup;
using Tenancy.Provisioning;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>
/// <c>tenants create --owner-email [--owner-password]</c>: the first owner, checked before the tenant is provisioned
/// and added in the creation's own transaction (<see cref="FirstOwner"/>); a new owner without a password gets a generated one, printed once.
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
        var generated = password is null && !await services.Get<MemberService>().UserExistsAsync(email, cancellationToken);
        if (generated)
        {
            password = GeneratedPassword.New();
        }

        return await services.Get<FirstOwner>().ValidateAsync(email, password, "owner ", cancellationToken) is { Count: > 0 } errors
            ? throw new MemberValidationException(errors)
            : new TenantOwner(email, password, generated);
    }

    /// <summary>The creation step that adds the owner in the tenant's own transaction, or null without an owner.</summary>
    public static ITenantCreationStep? Step(CliServices services, TenantOwner? owner) =>
        owner is null ? null : services.Get<FirstOwner>().For(owner.Email, owner.Password);
}
