using Tenancy.Accounts.Passwords;

namespace Tenancy.UnitTests.Accounts;

public sealed class BackoffPolicyTests
{
    private readonly BackoffPolicy _policy = new(FreeFailures: 5, FirstWait: TimeSpan.FromSeconds(1), MaxWait: TimeSpan.FromMinutes(15));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    public void The_free_failures_wait_for_nothing(int failures) => Assert.Null(_policy.WaitAfter(failures));

    [Theory]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(8, 4)]
    [InlineData(15, 512)]
    public void Each_failure_past_the_free_ones_doubles_the_wait(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), _policy.WaitAfter(failures));

    [Theory]
    [InlineData(16)]
    [InlineData(40)]
    [InlineData(int.MaxValue)]
    public void The_wait_stops_at_the_cap(int failures) => Assert.Equal(TimeSpan.FromMinutes(15), _policy.WaitAfter(failures));
}
