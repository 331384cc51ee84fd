using InferenceServer.Core.Caching;

namespace InferenceServer.Core.Tests.Caching;

/// <summary>
/// The local cache's LRU within its byte budget. Invariants: the charged bytes never exceed the budget; the least
/// recently used entry (a lookup counts as a use) goes first; an entry larger than the budget is never kept; concurrent
/// lookups and stores keep the accounting exact.
/// </summary>
public sealed class LocalResponseCacheTests
{
    [Fact]
    public async Task Store_BeyondBudget_EvictsLeastRecentlyUsed()
    {
        var charge = LocalResponseCache.ChargeOf(100);
        using var cache = new LocalResponseCache((charge * 2) + 1);
        cache.Store(1, new byte[100]);
        cache.Store(2, new byte[100]);
        Assert.NotNull((await cache.LookupAsync(1)));

        cache.Store(3, new byte[100]);

        Assert.NotNull((await cache.LookupAsync(1)));
        Assert.Null((await cache.LookupAsync(2)));
        Assert.NotNull((await cache.LookupAsync(3)));
        Assert.Equal(charge * 2, cache.Bytes);
        Assert.Equal(1, cache.Evictions);
    }

    [Fact]
    public async Task Store_LargerThanBudget_NotKept_OthersStay()
    {
        using var cache = new LocalResponseCache(LocalResponseCache.ChargeOf(100));
        cache.Store(1, new byte[100]);
        cache.Store(2, new byte[101]);

        Assert.NotNull((await cache.LookupAsync(1)));
        Assert.Null((await cache.LookupAsync(2)));
    }

    [Fact]
    public async Task Store_SameKey_ReplacesWithoutDoubleCharge()
    {
        using var cache = new LocalResponseCache(1 << 20);
        cache.Store(7, new byte[10]);
        cache.Store(7, new byte[20]);

        Assert.Equal(1, cache.Count);
        Assert.Equal(LocalResponseCache.ChargeOf(20), cache.Bytes);
        Assert.Equal(20, (await cache.LookupAsync(7))!.Length);
    }

    [Fact]
    public async Task ConcurrentStoresAndLookups_BudgetHolds_AccountingExact()
    {
        var charge = LocalResponseCache.ChargeOf(64);
        using var cache = new LocalResponseCache(charge * 50);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var key = (UInt128)((worker * 100) + (i % 100));
                if ((await cache.LookupAsync(key)) is null)
                {
                    cache.Store(key, new byte[64]);
                }

                Assert.True(cache.Bytes <= cache.ByteBudget);
            }
        })));

        Assert.Equal(cache.Count * charge, cache.Bytes);
        Assert.True(cache.Count <= 50);
    }
}
