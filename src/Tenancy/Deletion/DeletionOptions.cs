namespace Tenancy.Deletion;

/// <summary>Configuration section <c>Tenancy:Deletion</c>: how often deleted tenants' data is dropped (the Worker's sweep).</summary>
public sealed class DeletionOptions
{
    public const string SectionName = "Tenancy:Deletion";

    public int SweepIntervalSeconds { get; set; } = 5;
}
