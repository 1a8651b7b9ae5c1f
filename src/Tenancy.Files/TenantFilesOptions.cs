namespace Tenancy.Files;

/// <summary>Configuration section <c>Tenancy:Files</c>: what an upload may be and how long a download link lives.</summary>
public sealed class TenantFilesOptions
{
    public const string SectionName = "Tenancy:Files";

    /// <summary>The largest file one upload may carry, in bytes.</summary>
    public long MaxUploadBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>The media types an upload may declare (parameters such as charset are ignored); anything else is refused.</summary>
    public List<string> AllowedContentTypes { get; set; } =
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv", "application/json"];

    /// <summary>How long a download link stays valid; short, since anyone holding it may read that one file.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most files one page of a listing holds.</summary>
    public int MaxPageSize { get; set; } = 100;

    /// <summary>Why the options cannot be used, or null: checked at start.</summary>
    public string? Problem()
    {
        if (MaxUploadBytes <= 0)
        {
            return $"{SectionName}:MaxUploadBytes is positive (is {MaxUploadBytes}).";
        }

        if (AllowedContentTypes.Count == 0 || AllowedContentTypes.Any(type => !FileContentTypes.IsMediaType(type)))
        {
            return $"{SectionName}:AllowedContentTypes lists at least one media type, each as type/subtype.";
        }

        if (LinkLifetime < TimeSpan.FromSeconds(10) || LinkLifetime > TimeSpan.FromHours(1))
        {
            return $"{SectionName}:LinkLifetime is between 10 s and 1 h (is {LinkLifetime}).";
        }

        return MaxPageSize is < 1 or > 5000 ? $"{SectionName}:MaxPageSize is between 1 and 5000 (is {MaxPageSize})." : null;
    }
}
