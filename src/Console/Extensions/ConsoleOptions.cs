using System.ComponentModel.DataAnnotations;

namespace Tenancy.Console.Extensions;

/// <summary>The console's settings (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>The Api, by its Aspire resource name (service discovery resolves it).</summary>
    [Required]
    public string ApiUrl { get; set; } = "";

    /// <summary>The Aspire dashboard, when known: each tenant then links to its traces there.</summary>
    public string? DashboardUrl { get; set; }
}
