using System.Security.Cryptography;

namespace Tenancy.Accounts.Passwords;

/// <summary>A random password for an account nobody chose one for, shown once; no look-alike characters (0/O, 1/l/I).</summary>
public static class GeneratedPassword
{
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string New(int length = 20) => RandomNumberGenerator.GetString(Alphabet, length);
}
