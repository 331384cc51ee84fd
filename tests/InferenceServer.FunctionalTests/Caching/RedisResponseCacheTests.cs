using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Caching;

/// <summary>
/// The Redis response cache against a real <c>redis-server</c>. Invariants: a repeated request is a hit, also on another
/// server process sharing the Redis; whatever Redis does — answers, dies, sleeps — every request gets its computed answer,
/// and a lookup never waits past the cache's timeout (the requests finish while Redis is still asleep).
/// </summary>
public sealed class RedisResponseCacheTests
{
    private const string Simple = CacheRepositories.Simple;

    private static Task<TestServer> StartAsync(RedisServer redis) =>
        TestServer.StartAsync(CacheRepositories.WriteCachedSimple, options => options.CacheConfig = redis.CacheConfig);

    [Fact]
    public async Task TwoServersShareOneRedis_SecondGetsTheFirstsAnswer()
    {
        using var redis = await RedisServer.StartAsync();
        await using var first = await StartAsync(redis);
        await using var second = await StartAsync(redis);

        var computed = await first.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2, seed: 5)).WithTimeout();

        // The store is sent after the answer: wait until Redis has it (a signal from Redis itself, not a sleep).
        await WaitForKeysAsync(redis, 1);
        var cached = await second.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2, seed: 5)).WithTimeout();

        Assert.Equal(computed.RawOutputContents, cached.RawOutputContents);
        var firstStats = (await first.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        var secondStats = (await second.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(1ul, firstStats.InferenceStats.CacheMiss.Count);
        Assert.Equal(1ul, secondStats.InferenceStats.CacheHit.Count);
        Assert.Equal(0ul, secondStats.ExecutionCount);
    }

    [Fact]
    public async Task RedisKilledMidRun_EveryRequestStillAnswered()
    {
        using var redis = await RedisServer.StartAsync();
        await using var server = await StartAsync(redis);
        for (var seed = 0; seed < 3; seed++)
        {
            await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed)).WithTimeout();
        }

        await WaitForKeysAsync(redis, 3);
        redis.Kill();
        for (var seed = 0; seed < 6; seed++)
        {
            var answer = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed)).WithTimeout();
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), SimpleRequests.Int32s(answer.RawOutputContents[0]));
        }

        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(9ul, stats.InferenceStats.Success.Count);
        Assert.Equal(0ul, stats.InferenceStats.CacheHit.Count);
        Assert.Equal(9ul, stats.ExecutionCount);
    }

    [Fact]
    public async Task RedisAsleep_RequestsComputedWithoutWaitingForIt()
    {
        using var redis = await RedisServer.StartAsync();
        await using var server = await StartAsync(redis);
        await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        await WaitForKeysAsync(redis, 1);

        var awake = await redis.SleepAsync(seconds: 20);
        for (var seed = 0; seed < 5; seed++)
        {
            var answer = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed)).WithTimeout();
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), SimpleRequests.Int32s(answer.RawOutputContents[0]));
        }

        // Every answer came while Redis slept: none waited for it.
        Assert.False(awake.IsCompleted, "Redis woke before the requests were answered");
        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(6ul, stats.InferenceStats.Success.Count);
        Assert.Equal(0ul, stats.InferenceStats.CacheHit.Count);
    }

    // Polls Redis's own count of keys: the store is a fire-and-forget after the answer, and Redis is the only witness.
    private static async Task WaitForKeysAsync(RedisServer redis, int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Request);
        while (await redis.CommandAsync("DBSIZE") != $":{count}")
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
