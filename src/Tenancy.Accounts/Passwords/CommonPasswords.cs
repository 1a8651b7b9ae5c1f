using System.Collections.Frozen;

namespace Tenancy.Accounts.Passwords;

/// <summary>
/// Passwords of the allowed length that attackers try first (keyboard walks, repeated words, well-known phrases), from
/// <c>common-passwords.txt</c> embedded in this assembly. Compared without regard to case or spaces, since
/// "Password Password" is as guessable as "passwordpassword".
/// </summary>
public static class CommonPasswords
{
    private const string ResourceName = "Tenancy.Accounts.Passwords.common-passwords.txt";

    private static readonly Lazy<FrozenSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string password) => List.Value.Contains(Canonical(password));

    private static string Canonical(string password) =>
        string.Concat(password.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource '{ResourceName}' is missing.");
        using var reader = new StreamReader(stream);
        var passwords = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
            {
                passwords.Add(Canonical(line));
            }
        }

        return passwords.ToFrozenSet(StringComparer.Ordinal);
    }
}
