namespace Tenancy.IntegrationTests;

/// <summary>Waits for something another connection or process makes true (a NOTIFY, a pub/sub message, a reconnect).</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition) => TrueAsync(() => Task.FromResult(condition()));

    public static async Task TrueAsync(Func<Task<bool>> condition, int timeoutSeconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The condition was not met within {timeoutSeconds} s.");
            }

            await Task.Delay(25);
        }
    }
}
