namespace Tenancy.Limits;

/// <summary>
/// A fixed window on the wall clock (Unix time divided into windows), so every instance counts into the same window
/// without agreeing on anything but the time.
/// </summary>
public readonly record struct FixedWindow(long Index, TimeSpan Remaining)
{
    public static FixedWindow At(DateTimeOffset now, TimeSpan window)
    {
        var ms = now.ToUnixTimeMilliseconds();
        var length = (long)window.TotalMilliseconds;
        var index = ms / length;
        return new FixedWindow(index, TimeSpan.FromMilliseconds(((index + 1) * length) - ms));
    }

    /// <summary>Whole seconds to wait until the window ends (never 0: a client told "0" retries at once).</summary>
    public int RetryAfterSeconds => RetrySeconds(Remaining);

    /// <summary><paramref name="wait"/> as a <c>Retry-After</c> value: whole seconds, rounded up, at least 1.</summary>
    public static int RetrySeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
