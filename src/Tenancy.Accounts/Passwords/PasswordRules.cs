using Microsoft.Extensions.Options;

namespace Tenancy.Accounts.Passwords;

/// <summary>
/// What a new password must be: long enough to resist guessing once spaces at either end are left out, short enough
/// that hashing it costs nothing extra, not the account's own e-mail address, and not on the list of passwords
/// attackers try first (<see cref="CommonPasswords"/>). Applies wherever a password is set.
/// </summary>
public sealed class PasswordRules(IOptions<AccountsOptions> options)
{
    public const int MaximumLength = 256;

    // Below this, a local part ("al") is too common a fragment to forbid in a password.
    private const int MinimumEmailPartLength = 3;

    private const int MinimumDistinctCharacters = 4;

    /// <summary>Null when acceptable, else the rule that failed, in words for the person choosing it.</summary>
    /// <param name="email">The account's e-mail address, which the password must not contain.</param>
    public string? Check(string? password, string? email)
    {
        var minimum = options.Value.MinimumPasswordLength;
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        if (password.Length > MaximumLength)
        {
            return $"A password has at most {MaximumLength} characters.";
        }

        var trimmed = password.Trim();
        if (trimmed.Length < minimum)
        {
            return $"A password needs at least {minimum} characters, not counting spaces at its start or end.";
        }

        if (trimmed.Distinct().Count() < MinimumDistinctCharacters)
        {
            return $"A password needs at least {MinimumDistinctCharacters} different characters.";
        }

        if (EmailParts(email).Any(part => trimmed.Contains(part, StringComparison.OrdinalIgnoreCase)))
        {
            return "A password must not contain the e-mail address or its part before the '@'.";
        }

        return CommonPasswords.Contains(trimmed)
            ? "This password is on a list of commonly used passwords, which attackers try first; choose another."
            : null;
    }

    private static IEnumerable<string> EmailParts(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            yield break;
        }

        var address = email.Trim();
        yield return address;
        var at = address.LastIndexOf('@');
        if (at >= MinimumEmailPartLength)
        {
            yield return address[..at];
        }
    }
}
