namespace Tenancy.Isolation;

/// <summary>
/// EF Core interceptors registered under <see cref="Key"/> (<c>AddKeyedSingleton&lt;IInterceptor, T&gt;(Key)</c>)
/// join the application's tenant DbContext, whenever they are registered: the context's options are built on first use.
/// </summary>
public static class TenantDbContextInterceptors
{
    public const string Key = "Tenancy.TenantDbContext";
}
