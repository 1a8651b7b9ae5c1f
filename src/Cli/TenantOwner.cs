using Tenancy.Accounts.Members;
using Tenancy.Accounts.Passwords;
using Tenancy.Accounts.Startup;
using Tenancy.Tenants;

namespace Tenancy.Cli;

/// <summary>
/// <c>tenants create --owner-email [--owner-password]</c>: the first owner, checked before the tenant is provisioned
/// and added right after (<see cref="FirstOwner"/>); a new owner without a password gets a generated one, printed once.
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

    public static Task AddAsync(CliServices services, Tenant tenant, TenantOwner? owner, CancellationToken cancellationToken) =>
        owner is null ? Task.CompletedTask : services.Get<FirstOwner>().AddAsync(tenant, owner.Email, owner.Password, cancellationToken);
}
