using Microsoft.Extensions.Options;

namespace Tenancy.Accounts.Passwords;

/// <summary>What a new password must be: long enough to resist guessing, short enough that hashing it costs nothing extra.</summary>
public sealed class PasswordRules(IOptions<AccountsOptions> options)
{
    public const int MaximumLength = 256;

    /// <summary>Null when acceptable, else why not.</summary>
    public string? Check(string? password) => password switch
    {
        null or "" => "A password is required.",
        _ when password.Length < options.Value.MinimumPasswordLength => $"A password needs at least {options.Value.MinimumPasswordLength} characters.",
        _ when password.Length > MaximumLength => $"A password has at most {MaximumLength} characters.",
        _ => null,
    };
}
