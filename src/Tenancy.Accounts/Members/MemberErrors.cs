namespace Tenancy.Accounts.Members;

/// <summary>The request is malformed; nothing was written.</summary>
public sealed class MemberValidationException(IDictionary<string, string[]> errors) : Exception("The member is not valid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>The tenant's plan allows no more users (<see cref="AccountLimits.Users"/>).</summary>
public sealed class MemberLimitException(string plan, int max, int count, string tenant)
    : Exception($"The '{plan}' plan allows {max} user(s) (limit '{AccountLimits.Users}'); tenant '{tenant}' has {count}.")
{
    public int Max { get; } = max;
}

/// <summary>The change contradicts the tenant's memberships (already a member, the last owner, an owner managed by an admin).</summary>
public sealed class MemberConflictException(string message) : Exception(message);

/// <summary>No such member in this tenant.</summary>
public sealed class MemberNotFoundException(Guid userId) : Exception($"There is no member '{userId}' in this tenant.");
