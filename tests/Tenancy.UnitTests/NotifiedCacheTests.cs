using Tenancy.Changes;

namespace Tenancy.UnitTests;

public sealed class NotifiedCacheTests
{
    private int _reads;

    [Fact]
    public async Task Keeps_nothing_while_changes_are_not_heard()
    {
        var cache = new NotifiedCache<string, string>(10);
        Assert.Equal("v1", await cache.GetOrReadAsync("k", "v1", ReadAsync, default));
        Assert.Equal("v2", await cache.GetOrReadAsync("k", "v2", ReadAsync, default));
        Assert.Equal(2, _reads);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Keeps_answers_while_listening_and_drops_them_all_when_the_listener_is_lost()
    {
        var cache = new NotifiedCache<string, string>(10);
        cache.SetCaching(true);
        await cache.GetOrReadAsync("k", "v1", ReadAsync, default);
        Assert.Equal("v1", await cache.GetOrReadAsync("k", "v2", ReadAsync, default));
        Assert.Equal(1, _reads);

        cache.SetCaching(false);
        Assert.Equal("v3", await cache.GetOrReadAsync("k", "v3", ReadAsync, default));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_change_drops_only_the_answers_it_touched()
    {
        var cache = new NotifiedCache<(Guid Tenant, Guid User), string>(10);
        cache.SetCaching(true);
        var (tenant, removed, kept) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await cache.GetOrReadAsync((tenant, removed), "admin", ReadAsync, default);
        await cache.GetOrReadAsync((tenant, kept), "member", ReadAsync, default);

        cache.Remove(key => key.User == removed);

        Assert.Equal("re-read", await cache.GetOrReadAsync((tenant, removed), "re-read", ReadAsync, default));
        Assert.Equal("member", await cache.GetOrReadAsync((tenant, kept), "not read", ReadAsync, default));
    }

    [Fact]
    public async Task An_answer_read_before_a_change_was_announced_is_not_kept()
    {
        var cache = new NotifiedCache<string, string>(10);
        cache.SetCaching(true);
        var reading = new TaskCompletionSource();
        var announced = new TaskCompletionSource();
        var stale = cache.GetOrReadAsync("k", "stale", async (_, value, _) =>
        {
            reading.SetResult();
            await announced.Task;
            return value;
        }, default).AsTask();
        await reading.Task;
        cache.Clear();
        announced.SetResult();

        Assert.Equal("stale", await stale);
        Assert.Equal("fresh", await cache.GetOrReadAsync("k", "fresh", ReadAsync, default));
    }

    [Fact]
    public async Task Holds_at_most_its_cap()
    {
        var cache = new NotifiedCache<int, string>(100);
        cache.SetCaching(true);
        for (var i = 0; i < 1_000; i++)
        {
            await cache.GetOrReadAsync(i, "v", (_, v, _) => Task.FromResult(v), default);
            Assert.True(cache.Count <= 100, $"{cache.Count} entries past a cap of 100");
        }
    }

    private Task<string> ReadAsync<TKey>(TKey key, string value, CancellationToken cancellationToken)
    {
        _reads++;
        return Task.FromResult(value);
    }
}
