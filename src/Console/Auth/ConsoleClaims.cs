namespace Tenancy.Console.Auth;

/// <summary>What the sign-in cookie carries besides the e-mail: the Api's token and whom it opens.</summary>
public static class ConsoleClaims
{
    public const string AccessToken = "tenancy:access_token";

    /// <summary>The tenant the token was issued on; absent for a platform admin.</summary>
    public const string Tenant = "tenancy:tenant";

    public const string Platform = "tenancy:platform";
}

public static class ConsolePolicies
{
    public const string Platform = "platform";

    public const string Tenant = "tenant";
}
