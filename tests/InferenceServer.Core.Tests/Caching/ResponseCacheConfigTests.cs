using InferenceServer.Core.Caching;

namespace InferenceServer.Core.Tests.Caching;

public sealed class ResponseCacheConfigTests
{
    [Fact]
    public void TryBuild_Local_TritonSpelling()
    {
        Assert.Null(ResponseCacheConfig.TryBuild(["local,size=1048576"], out var config));
        Assert.Equal(1048576, config.LocalByteSize);
        Assert.Null(config.Redis);
    }

    [Fact]
    public void TryBuild_Redis_OneKeyPerValueOrSeveral()
    {
        Assert.Null(ResponseCacheConfig.TryBuild(["redis,host=cache.local", "redis,port=6380,password=secret,db=2,ttl=60,wait_timeout_ms=5"], out var config));
        var redis = config.Redis!;
        Assert.Equal("cache.local", redis.Host);
        Assert.Equal(6380, redis.Port);
        Assert.Equal("secret", redis.Password);
        Assert.Equal(2, redis.Database);
        Assert.Equal(60, redis.TimeToLiveSeconds);
        Assert.Equal(5, redis.WaitTimeoutMilliseconds);
        Assert.Equal(100, redis.ConnectTimeoutMilliseconds);
    }

    [Fact]
    public void TryBuild_NoValue_NoCache()
    {
        Assert.Null(ResponseCacheConfig.TryBuild([], out var config));
        Assert.False(config.Enabled);
    }

    [Theory]
    [InlineData("local,size=0", "size must be a positive number of bytes")]
    [InlineData("local,ttl=3", "ttl: unknown key")]
    [InlineData("redis,port=70000", "port must be in [1, 65535]")]
    [InlineData("memcached,size=1", "takes local,size=BYTES or redis")]
    [InlineData("redis,host", "takes redis,<key>=<value>")]
    public void CheckEntry_Refusals_NameTheFlagAndKey(string entry, string message)
    {
        var error = ResponseCacheConfig.CheckEntry(entry);
        Assert.NotNull(error);
        Assert.StartsWith("--cache-config", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryBuild_LocalAndRedis_Refused()
    {
        Assert.Contains("one cache per server", ResponseCacheConfig.TryBuild(["local,size=10", "redis,host=x"], out _), StringComparison.Ordinal);
    }
}
