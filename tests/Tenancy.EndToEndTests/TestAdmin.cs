using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Tenancy.EndToEndTests;

/// <summary>
/// The platform admin of every system these tests start: the AppHost reads <c>Tenancy__Admin__Email</c> and
/// <c>Tenancy__Admin__Password</c> from its environment (this process's) and hands them to the Api. The password
/// is new for each test run and never written down.
/// </summary>
public static class TestAdmin
{
    public const string Email = "admin@tests.localhost";

    public static readonly string Password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

#pragma warning disable CA2255 // Before any fixture builds an AppHost, which reads its configuration from the environment.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ConfigureEnvironment()
    {
        Environment.SetEnvironmentVariable("Tenancy__Admin__Email", Email);
        Environment.SetEnvironmentVariable("Tenancy__Admin__Password", Password);
    }
}
