using Tenancy.Settings;

namespace Tenancy.UnitTests.Settings;

/// <summary>What a tenant's branding and settings may hold, and how a refusal names the field.</summary>
public sealed class TenantSettingsRulesShould
{
    private static readonly TenantSettingsOptions Options = new() { MaxEntries = 3, MaxKeyLength = 10, MaxValueLength = 20 };

    [Fact]
    public void Store_colours_in_lowercase_and_blank_parts_as_none()
    {
        var (settings, errors) = Check(new TenantBranding("  Acme Shop ", "#A1B2C3", " ", "logo-2.png"));
        Assert.Empty(errors);
        Assert.Equal(new TenantBranding("Acme Shop", "#a1b2c3", null, "logo-2.png"), settings.Branding);
    }

    [Theory]
    [InlineData("a1b2c3")]
    [InlineData("#a1b2c")]
    [InlineData("#a1b2c3d")]
    [InlineData("#ggg000")]
    [InlineData("red")]
    public void Refuse_a_colour_that_is_not_rrggbb(string colour)
    {
        var (_, errors) = Check(new TenantBranding(PrimaryColor: colour, AccentColor: colour));
        Assert.Equal(["branding.accentColor", "branding.primaryColor"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("../other-tenant/logo.png")]
    [InlineData("images/logo.png")]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("logo..png")]
    [InlineData("C:\\logo.png")]
    [InlineData("https://evil.example/logo.png")]
    public void Refuse_a_logo_that_is_not_a_plain_file_name(string logo) =>
        Assert.Equal(["branding.logo"], Check(new TenantBranding(Logo: logo)).Errors.Keys);

    [Fact]
    public void Refuse_a_logo_name_longer_than_a_path_segment() =>
        Assert.Equal(["branding.logo"], Check(new TenantBranding(Logo: new string('a', TenantSettingsRules.MaxLogoLength + 1))).Errors.Keys);

    [Fact]
    public void Refuse_a_display_name_too_long_or_with_control_characters()
    {
        Assert.Equal(["branding.displayName"], Check(new TenantBranding(new string('n', 201))).Errors.Keys);
        Assert.Equal(["branding.displayName"], Check(new TenantBranding("Acme\u0007")).Errors.Keys);
        Assert.Empty(Check(new TenantBranding(new string('n', 200))).Errors);
    }

    [Fact]
    public void Bound_the_count_keys_and_values_of_the_settings()
    {
        Assert.Empty(Check(values: new() { ["a"] = "1", ["b.c"] = "2", ["d:e"] = new string('v', 20) }).Errors);

        var tooMany = Check(values: new() { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["d"] = "4" }).Errors;
        Assert.Equal(["values"], tooMany.Keys);
        Assert.Contains("At most 3", tooMany["values"][0], StringComparison.Ordinal);

        Assert.Equal(["values"], Check(values: new() { ["key with space"] = "1" }).Errors.Keys);
        Assert.Equal(["values"], Check(values: new() { [new string('k', 11)] = "1" }).Errors.Keys);
        Assert.Equal(["values.long"], Check(values: new() { ["long"] = new string('v', 21) }).Errors.Keys);
        Assert.Equal(["values.nul"], Check(values: new() { ["nul"] = "a\0b" }).Errors.Keys);
    }

    [Fact]
    public void Report_every_broken_rule_at_once()
    {
        var (_, errors) = Check(new TenantBranding(new string('n', 201), "blue", "#12345", "a/b"), new() { ["x"] = new string('v', 21) });
        Assert.Equal(["branding.accentColor", "branding.displayName", "branding.logo", "branding.primaryColor", "values.x"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Have_start_time_bounds_on_its_options()
    {
        Assert.Null(new TenantSettingsOptions().Problem());
        Assert.Contains("MaxEntries", new TenantSettingsOptions { MaxEntries = -1 }.Problem(), StringComparison.Ordinal);
        Assert.Contains("MaxKeyLength", new TenantSettingsOptions { MaxKeyLength = 0 }.Problem(), StringComparison.Ordinal);
        Assert.Contains("MaxValueLength", new TenantSettingsOptions { MaxValueLength = 0 }.Problem(), StringComparison.Ordinal);
    }

    private static (TenantSettings Settings, Dictionary<string, string[]> Errors) Check(TenantBranding? branding = null, Dictionary<string, string>? values = null) =>
        TenantSettingsRules.Check(new TenantSettings(branding ?? TenantBranding.None, values ?? []), Options);
}
