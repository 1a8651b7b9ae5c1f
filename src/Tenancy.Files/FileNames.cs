namespace Tenancy.Files;

/// <summary>
/// What a file's name (its blob name inside the tenant's container) may be: checked before any call to storage, so a
/// name can only ever address a blob in the tenant's own container, and reads the same in a URL, a listing and a backup.
/// </summary>
public static class FileNames
{
    /// <summary>Well below Azure's 1024, so a name always fits a URL and a backup entry's path.</summary>
    public const int MaxLength = 512;

    private const int MaxSegmentLength = 255;

    /// <summary>Why <paramref name="name"/> cannot name a file, or null when it can.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "A file name is required.";
        }

        if (name.Length > MaxLength)
        {
            return $"A file name has at most {MaxLength} characters (this one has {name.Length}).";
        }

        if (name[0] == '/')
        {
            return "A file name does not start with '/': it is relative to the tenant's files.";
        }

        if (name[^1] == '/')
        {
            return "A file name does not end with '/'.";
        }

        return ValidatePath(name);
    }

    /// <summary>
    /// Why <paramref name="prefix"/> cannot start file names in a listing, or null when it can: empty, or a name's
    /// beginning (it may end with '/').
    /// </summary>
    public static string? ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }

        if (prefix.Length > MaxLength)
        {
            return $"A prefix has at most {MaxLength} characters.";
        }

        if (prefix[0] == '/')
        {
            return "A prefix does not start with '/': it is relative to the tenant's files.";
        }

        return ValidatePath(prefix.EndsWith('/') ? prefix[..^1] : prefix);
    }

    public static bool IsValid(string? name) => Validate(name) is null;

    private static string? ValidatePath(string path)
    {
        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return "A file name has no control characters.";
            }

            if (c == '\\')
            {
                return "A file name has no '\\': folders are separated by '/'.";
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or '(' or ')'))
            {
                return $"A file name has letters, digits, '-', '_', '.', '(', ')' and '/' only (not '{c}').";
            }
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "A file name has no empty folder ('//').";
            }

            if (segment is "." or "..")
            {
                return "A file name has no '.' or '..' folder.";
            }

            if (segment.Length > MaxSegmentLength)
            {
                return $"Each part of a file name between '/' has at most {MaxSegmentLength} characters.";
            }
        }

        return null;
    }
}
