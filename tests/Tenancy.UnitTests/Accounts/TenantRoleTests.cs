using Tenancy.Accounts.Members;
using Tenancy.Accounts.Users;

namespace Tenancy.UnitTests.Accounts;

public sealed class TenantRoleTests
{
    [Theory]
    [InlineData(TenantRole.Member)]
    [InlineData(TenantRole.Admin)]
    [InlineData(TenantRole.Owner)]
    public void Defined_roles_pass(TenantRole role) => MemberService.EnsureDefined(role);

    [Theory]
    [InlineData(99)]
    [InlineData(-1)]
    [InlineData(3)]
    public void Undefined_roles_are_refused_naming_the_roles_there_are(int role)
    {
        var refused = Assert.Throws<MemberValidationException>(() => MemberService.EnsureDefined((TenantRole)role));
        Assert.Equal($"'{role}' is not a role; use one of: member, admin, owner.", Assert.Single(refused.Errors["role"]));
    }
}
