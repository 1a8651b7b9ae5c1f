namespace Tenancy.Settings;

/// <summary>Configuration section <c>Tenancy:Settings</c>: how much a tenant's settings may hold, validated at start.</summary>
public sealed class TenantSettingsOptions
{
    public const string SectionName = "Tenancy:Settings";

    /// <summary>The most application settings one tenant may have: they travel with every cached copy of its row.</summary>
    public int MaxEntries { get; set; } = 50;

    /// <summary>The longest setting key, in characters.</summary>
    public int MaxKeyLength { get; set; } = 100;

    /// <summary>The longest setting value, in characters.</summary>
    public int MaxValueLength { get; set; } = 2_000;

    /// <summary>Why the options cannot be used, or null: checked at start (<c>ValidateOnStart</c>).</summary>
    public string? Problem() =>
        MaxEntries is < 0 or > 1_000 ? $"{SectionName}:MaxEntries is between 0 and 1000 (is {MaxEntries})."
        : MaxKeyLength is < 1 or > 200 ? $"{SectionName}:MaxKeyLength is between 1 and 200 (is {MaxKeyLength})."
        : MaxValueLength is < 1 or > 100_000 ? $"{SectionName}:MaxValueLength is between 1 and 100000 (is {MaxValueLength})."
        : null;
}
