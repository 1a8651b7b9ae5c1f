namespace Tenancy.Moves;

/// <summary>Configuration section <c>Tenancy:Moves</c>.</summary>
public sealed class TenantMoveOptions
{
    public const string SectionName = "Tenancy:Moves";

    internal const string Rule = $"{SectionName}: FreezeSeconds is positive and GraceMilliseconds is 0 or more and shorter than the freeze.";

    /// <summary>
    /// How long writes stay refused at most: a move that dies holding the freeze lets the tenant write again (on
    /// its old tier, untouched) after this.
    /// </summary>
    public int FreezeSeconds { get; set; } = 60;

    /// <summary>
    /// Wait after the freeze before copying, so that a SaveChanges which checked the registry just before it
    /// has finished (every instance hears of the freeze at once through NOTIFY).
    /// </summary>
    public int GraceMilliseconds { get; set; } = 500;
}
