using System.Security.Cryptography;

namespace Tenancy.EndToEndTests;

/// <summary>
/// The platform admin of every system these tests start, given on the AppHost's command line
/// (<c>--Tenancy:Admin:Email</c>, <c>--Tenancy:Admin:Password</c>; see <see cref="TestAppHost"/>), which hands them to
/// the Api alone. The password is new for each test run and never written down.
/// </summary>
public static class TestAdmin
{
    public const string Email = "admin@tests.localhost";

    public static readonly string Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    /// <summary>The AppHost arguments that make this the system's first platform admin.</summary>
    public static string[] Arguments => [$"--Tenancy:Admin:Email={Email}", $"--Tenancy:Admin:Password={Password}"];
}
