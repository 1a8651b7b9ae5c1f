namespace Tenancy.Accounts.Passwords;

/// <summary>How long a key waits after its n-th failure in a row: nothing for the free ones, then doubling from the first wait, capped.</summary>
public sealed record BackoffPolicy(int FreeFailures, TimeSpan FirstWait, TimeSpan MaxWait)
{
    /// <returns>Null while failures are free.</returns>
    public TimeSpan? WaitAfter(int failures)
    {
        if (failures <= FreeFailures)
        {
            return null;
        }

        // 2^30 first waits are beyond any cap worth configuring; the exponent stops there so the product cannot overflow.
        var doublings = Math.Min(failures - FreeFailures - 1, 30);
        var wait = FirstWait * Math.Pow(2, doublings);
        return wait < MaxWait ? wait : MaxWait;
    }
}
