using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using InferenceServer.Core.Caching;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Caching;

/// <summary>
/// The local response cache through the real server, over HTTP and gRPC: a repeated request is answered from the cache
/// with the computed answer's exact bytes; any change of input bytes, shape or version is a miss; the byte budget evicts
/// the least recently used answer; statistics and metrics count hits and misses as Triton does.
/// </summary>
public sealed class ResponseCacheTests
{
    private const string Simple = CacheRepositories.Simple;

    private static Task<TestServer> StartAsync(string cacheConfig) =>
        TestServer.StartAsync(CacheRepositories.WriteCachedSimple, options => options.CacheConfig = [cacheConfig]);

    [Fact]
    public async Task RepeatedRequest_AnsweredFromCache_BitIdenticalOnBothProtocols()
    {
        await using var server = await StartAsync("local,size=1048576");

        var computed = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2, seed: 7)).WithTimeout();
        var cached = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2, seed: 7)).WithTimeout();
        Assert.Equal(computed.ToByteArray(), cached.ToByteArray());
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(2, 7), SimpleRequests.Input1(2, 7)), SimpleRequests.Int32s(cached.RawOutputContents[0]));

        // HTTP, with a classification output: delivery runs on the cached tensors as on computed ones.
        var body = SimpleRequests.JsonBody(batch: 1, seed: 3);
        body["outputs"] = new JsonArray(HttpInfer.Output("OUTPUT0"), new JsonObject { ["name"] = "OUTPUT1", ["parameters"] = new JsonObject { ["classification"] = 2 } });
        using var first = await HttpInfer.PostAsync(server.Http, Simple, HttpInfer.Json(body));
        using var second = await HttpInfer.PostAsync(server.Http, Simple, HttpInfer.Json(body));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());

        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(2ul, stats.InferenceStats.CacheHit.Count);
        Assert.Equal(2ul, stats.InferenceStats.CacheMiss.Count);
        Assert.True(stats.InferenceStats.CacheHit.Ns > 0);
        Assert.Equal(4ul, stats.InferenceStats.Success.Count);
        Assert.Equal(2ul, stats.InferenceStats.ComputeInfer.Count);
        Assert.Equal(2ul, stats.ExecutionCount);
        Assert.Equal(3ul, stats.InferenceCount);
    }

    [Fact]
    public async Task AnyChangeOfBytesShapeOrVersion_IsAMiss()
    {
        await using var server = await StartAsync("local,size=1048576");
        await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();

        var oneByte = SimpleRequests.Grpc(batch: 1);
        var raw = oneByte.RawInputContents[1].ToByteArray();
        raw[^1] ^= 1;
        oneByte.RawInputContents[1] = ByteString.CopyFrom(raw);
        var changed = await server.Grpc.ModelInferAsync(oneByte).WithTimeout();
        Assert.Equal(SimpleRequests.Input0(1)[^1] - (SimpleRequests.Input1(1)[^1] ^ (1 << 24)), SimpleRequests.Int32s(changed.RawOutputContents[1])[^1]);

        // The same 24 bytes as [2,3] and as [3,2]: another shape is another request, and the answer keeps its shape.
        var wide = await server.Grpc.ModelInferAsync(IdentityRequest(2, 3)).WithTimeout();
        var tall = await server.Grpc.ModelInferAsync(IdentityRequest(3, 2)).WithTimeout();
        Assert.Equal([2L, 3L], wide.Outputs[0].Shape);
        Assert.Equal([3L, 2L], tall.Outputs[0].Shape);
        var identity = (await server.Grpc.ModelStatisticsAsync(CacheRepositories.Identity).WithTimeout()).ModelStats.Single().InferenceStats;
        Assert.Equal(0ul, identity.CacheHit.Count);
        Assert.Equal(2ul, identity.CacheMiss.Count);

        var version1 = SimpleRequests.Grpc(batch: 1);
        version1.ModelVersion = "1";
        await server.Grpc.ModelInferAsync(version1).WithTimeout();
        var batch2 = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 2)).WithTimeout();
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(2), SimpleRequests.Input1(2)), SimpleRequests.Int32s(batch2.RawOutputContents[0]));

        var v1 = (await server.Grpc.ModelStatisticsAsync(Simple, "1").WithTimeout()).ModelStats.Single().InferenceStats;
        var v2 = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single().InferenceStats;
        Assert.Equal(0ul, v2.CacheHit.Count);
        Assert.Equal(3ul, v2.CacheMiss.Count);
        Assert.Equal(0ul, v1.CacheHit.Count);
        Assert.Equal(1ul, v1.CacheMiss.Count);
    }

    [Fact]
    public async Task ByteBudget_EvictsTheLeastRecentlyUsedAnswer()
    {
        // Room for two answers of one row and not three.
        var entry = LocalResponseCache.ChargeOf(8 + (2 * (2 + 7 + 2 + 16 + 8 + 64)));
        await using var server = await StartAsync($"local,size={(entry * 2) + (entry / 2)}");

        foreach (var seed in new[] { 1, 2, 3, 1, 3 })
        {
            var answer = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: seed)).WithTimeout();
            Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), SimpleRequests.Int32s(answer.RawOutputContents[0]));
        }

        // 1, 2, 3 miss (3 evicts 1); 1 misses again (evicting 2); 3 is still there.
        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single().InferenceStats;
        Assert.Equal(4ul, stats.CacheMiss.Count);
        Assert.Equal(1ul, stats.CacheHit.Count);
    }

    [Fact]
    public async Task StatisticsAndMetrics_CountHitsAndMisses_OverHttp()
    {
        await using var server = await StartAsync("local,size=1048576");
        for (var i = 0; i < 3; i++)
        {
            using var ok = await HttpInfer.PostAsync(server.Http, Simple, SimpleRequests.Json(batch: 1));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        var json = JsonNode.Parse(await server.Http.GetStringAsync($"v2/models/{Simple}/versions/2/stats").WithTimeout())!;
        var inference = json["model_stats"]![0]!["inference_stats"]!;
        Assert.Equal(2, inference["cache_hit"]!["count"]!.GetValue<long>());
        Assert.Equal(1, inference["cache_miss"]!["count"]!.GetValue<long>());
        Assert.Equal(1, inference["compute_infer"]!["count"]!.GetValue<long>());

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{server.MetricsPort}/metrics").WithTimeout();
        Assert.Contains("nv_cache_num_hits_per_model{model=\"simple\",version=\"2\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("nv_cache_num_misses_per_model{model=\"simple\",version=\"2\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nv_cache_hit_duration_per_model{model=\"simple\",version=\"2\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("nv_inference_request_success{model=\"simple\",version=\"2\"} 3", metrics, StringComparison.Ordinal);
        Assert.Contains("nv_inference_exec_count{model=\"simple\",version=\"2\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelAsksForCache_ServerHasNone_ComputedEveryTime()
    {
        await using var server = await TestServer.StartAsync(CacheRepositories.WriteCachedSimple);
        for (var i = 0; i < 2; i++)
        {
            await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        }

        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single();
        Assert.Equal(0ul, stats.InferenceStats.CacheHit.Count);
        Assert.Equal(0ul, stats.InferenceStats.CacheMiss.Count);
        Assert.Equal(2ul, stats.ExecutionCount);
    }

    [Fact]
    public async Task ReloadWithNewFiles_SameVersionNumber_NeverServesTheOldAnswer()
    {
        await using var server = await TestServer.StartAsync(CacheRepositories.WriteCachedSimple, options =>
        {
            options.CacheConfig = ["local,size=1048576"];
            options.ModelControlMode = Core.Models.Repository.ModelControlMode.Explicit;
            options.LoadModels = [Simple];
        });
        var before = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();

        // Another file in version 2's directory: the same version number, loaded from other files.
        File.WriteAllText(Path.Combine(server.RepositoryPath, Simple, "2", "marker.txt"), "new files");
        await server.Grpc.RepositoryModelLoadAsync(Simple).WithTimeout();
        var after = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();

        Assert.Equal(before.RawOutputContents[0], after.RawOutputContents[0]);
        var stats = (await server.Grpc.ModelStatisticsAsync(Simple, "2").WithTimeout()).ModelStats.Single().InferenceStats;
        Assert.Equal(0ul, stats.CacheHit.Count);
        Assert.Equal(1ul, stats.CacheMiss.Count);
    }

    private static ModelInferRequest IdentityRequest(long rows, long columns)
    {
        var request = new ModelInferRequest { ModelName = CacheRepositories.Identity };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT0", "FP32", [rows, columns]));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[24]));
        return request;
    }
}
