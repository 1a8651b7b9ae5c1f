namespace Tenancy.Files;

/// <summary>The media type an upload declares, compared with the allowed ones without its parameters.</summary>
internal static class FileContentTypes
{
    /// <summary>The media type alone, lower case (<c>text/plain; charset=utf-8</c> is <c>text/plain</c>), or null when there is none.</summary>
    public static string? MediaTypeOf(string? contentType)
    {
        var mediaType = contentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        return IsMediaType(mediaType) ? mediaType : null;
    }

    public static bool IsMediaType(string? value) =>
        value is { Length: > 2 and <= 255 } && value.Count(c => c == '/') == 1 && value[0] != '/' && value[^1] != '/'
        && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-');
}
