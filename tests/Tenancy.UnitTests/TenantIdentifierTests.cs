using Tenancy.Placement;
using Tenancy.Tenants;

namespace Tenancy.UnitTests;

public sealed class TenantIdentifierTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("acme")]
    [InlineData("acme-corp")]
    [InlineData("a1")]
    [InlineData("a-b-c-9")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij")]
    public void Accepts_lowercase_letters_digits_and_inner_hyphens(string identifier) =>
        Assert.Null(TenantIdentifier.Validate(identifier));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("a", "2 to 40")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghijk", "2 to 40")]
    [InlineData("Acme", "lowercase")]
    [InlineData("1acme", "start with a letter")]
    [InlineData("acme-", "not end with a hyphen")]
    [InlineData("-acme", "start with a letter")]
    [InlineData("ac_me", "lowercase letters, digits and hyphens")]
    [InlineData("acme.example", "lowercase letters, digits and hyphens")]
    [InlineData("acme\"; DROP SCHEMA public; --", "lowercase letters, digits and hyphens")]
    [InlineData("a\u00e9b", "lowercase letters, digits and hyphens")]
    [InlineData("admin", "reserved")]
    [InlineData("www", "reserved")]
    [InlineData("public", "reserved")]
    [InlineData("xn--80ak6aa92e", "reserved")]
    public void Rejects_with_a_reason(string? identifier, string reason) =>
        Assert.Contains(reason, TenantIdentifier.Validate(identifier), StringComparison.Ordinal);

    [Theory]
    [InlineData("acme", "t_acme")]
    [InlineData("acme-corp", "t_acme_corp")]
    public void Schema_name_is_derived_from_the_identifier(string identifier, string schema) =>
        Assert.Equal(schema, TenantStoreNames.ToSchemaName(identifier));

    [Fact]
    public void Schema_name_is_never_made_from_an_invalid_identifier() =>
        Assert.Throws<ArgumentException>(() => TenantStoreNames.ToSchemaName("x\"; DROP TABLE y; --"));
}
