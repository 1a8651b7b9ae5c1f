using Microsoft.Extensions.Options;
using Tenancy.Accounts;
using Tenancy.Accounts.Passwords;

namespace Tenancy.UnitTests.Accounts;

public sealed class PasswordRulesTests
{
    private const string Email = "ada.lovelace@example.com";

    private readonly PasswordRules _rules = new(Options.Create(new AccountsOptions()));

    [Theory]
    [InlineData("violet kiln harbour")]
    [InlineData("Tr0ub4dor&3-Horse")]
    [InlineData("  padded but long enough  ")]
    public void Accepts_a_long_uncommon_password(string password) => Assert.Null(_rules.Check(password, Email));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("            ", "at least 12 characters, not counting spaces")]
    [InlineData("\t \n          ", "at least 12 characters, not counting spaces")]
    [InlineData("   short  pass word  ", null)]
    [InlineData("     eleven chars", null)]
    [InlineData("   elevenchar   ", "at least 12 characters, not counting spaces")]
    [InlineData("abababababababab", "4 different characters")]
    public void Refuses_short_blank_and_repetitive_passwords(string? password, string? reason)
    {
        var error = _rules.Check(password, Email);
        if (reason is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(reason, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ada.lovelace@example.com")]
    [InlineData("my ADA.LOVELACE@EXAMPLE.COM!")]
    [InlineData("ada.lovelace rules 2026")]
    [InlineData("xxAda.LovelaceXX")]
    public void Refuses_a_password_containing_the_email_or_its_local_part(string password) =>
        Assert.Contains("e-mail address", _rules.Check(password, Email), StringComparison.Ordinal);

    [Fact]
    public void A_very_short_local_part_is_not_forbidden_inside_a_password() =>
        Assert.Null(_rules.Check("al the winter gardens", "al@example.com"));

    [Theory]
    [InlineData("password1234")]
    [InlineData("Password1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("123456789012")]
    [InlineData("1qaz2wsx3edc")]
    [InlineData("correct horse battery staple")]
    [InlineData("Password2024!")]
    [InlineData("iloveyou1234")]
    public void Refuses_common_passwords_whatever_their_case_or_spaces(string password) =>
        Assert.Contains("commonly used", _rules.Check(password, Email), StringComparison.Ordinal);

    [Fact]
    public void The_shipped_list_is_embedded_and_holds_only_passwords_of_the_minimum_length() =>
        Assert.True(CommonPasswords.Count > 1000, $"{CommonPasswords.Count} common passwords");

    [Fact]
    public void Refuses_a_password_over_the_maximum_length() =>
        Assert.Contains("at most", _rules.Check(new string('x', 200) + "yz0123456789" + new string('w', 100), Email), StringComparison.Ordinal);
}
