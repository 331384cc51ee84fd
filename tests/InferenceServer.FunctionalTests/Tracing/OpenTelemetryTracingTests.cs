using System.Diagnostics;
using System.Net;
using Grpc.Core;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FunctionalTests.Tracing.Otlp;
using InferenceServer.FunctionalTests.Traffic;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Tracing;

/// <summary>
/// OpenTelemetry mode, against a real OTLP endpoint started by the test (the SDK's exporter sending HTTP/protobuf or
/// gRPC). Invariants: a request that carries a W3C traceparent joins the caller's trace (its server span's parent is
/// the caller's span) over both protocols; each request span has receive, queue and send children; the execution of a
/// batch is one span, linked to every traced request it served, with compute input, infer and compute output children;
/// a caller's unsampled context is not traced; the resource names the service; an answer from the response cache says so
/// (<c>inference.cache.hit</c>) and has no execution span.
/// </summary>
public sealed class OpenTelemetryTracingTests
{
    private const string CallerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string CallerSpanId = "00f067aa0ba902b7";

    [Theory]
    [InlineData("http/protobuf")]
    [InlineData("grpc")]
    public async Task CallersTraceId_IsJoined_OverHttpAndGrpc(string exportProtocol)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options => options.TraceConfig = Config(receiver, exportProtocol, rate: 0));

        using (var request = new HttpRequestMessage(HttpMethod.Post, "v2/models/simple/infer") { Content = HttpInfer.Json(SimpleRequests.JsonBody(1, id: "http-1")) })
        {
            request.Headers.Add("traceparent", $"00-{CallerTraceId}-{CallerSpanId}-01");
            request.Headers.Add("tracestate", "vendor=1");
            using var response = await server.Http.SendAsync(request).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var grpcTraceId = ActivityTraceId.CreateRandom().ToHexString();
        var grpcRequest = SimpleRequests.Grpc(1);
        grpcRequest.Id = "grpc-1";
        await server.Grpc.ModelInferAsync(grpcRequest, new Metadata { { "traceparent", $"00-{grpcTraceId}-{CallerSpanId}-01" } }).WithTimeout();

        // Not sampled by the caller, and rate 0: not traced.
        var unsampled = SimpleRequests.Grpc(1);
        unsampled.Id = "unsampled";
        await server.Grpc.ModelInferAsync(unsampled, new Metadata { { "traceparent", $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{CallerSpanId}-00" } }).WithTimeout();

        var spans = await receiver.WaitForAsync(all => all.Count(s => s.Name == "simple infer") >= 2 && all.Count(s => s.Name == "simple execute") >= 2);
        var http = spans.Single(s => s.Name == "simple infer" && s.Text("inference.request.id") == "http-1");
        Assert.Equal(CallerTraceId, http.TraceId);
        Assert.Equal(CallerSpanId, http.ParentSpanId);
        Assert.Equal("vendor=1", http.Span.TraceState);
        Assert.Equal(Span.Types.SpanKind.Server, http.Span.Kind);
        Assert.Equal("http", http.Text("inference.protocol"));
        Assert.Equal("inference-server", http.Service);
        Assert.Equal(("latest", 0L), (http.Text("inference.routing"), http.Number("inference.shadow.mirrored")));
        var grpc = spans.Single(s => s.Name == "simple infer" && s.Text("inference.request.id") == "grpc-1");
        Assert.Equal(grpcTraceId, grpc.TraceId);
        Assert.Equal("grpc", grpc.Text("inference.protocol"));
        Assert.DoesNotContain(spans, s => s.Text("inference.request.id") == "unsampled");

        foreach (var request in new[] { http, grpc })
        {
            var children = spans.Where(s => s.ParentSpanId == request.SpanId).ToDictionary(s => s.Name);
            Assert.Contains("receive", children.Keys);
            Assert.Contains("queue", children.Keys);
            Assert.Contains("send", children.Keys);
            var execute = children["simple execute"];
            Assert.Equal(request.TraceId, execute.TraceId);
            Assert.Contains((request.TraceId, request.SpanId), execute.Links);
            var stages = spans.Where(s => s.ParentSpanId == execute.SpanId).ToDictionary(s => s.Name);
            Assert.True(stages["compute_input"].End <= stages["infer"].Start + 1_000 && stages["infer"].End <= stages["compute_output"].Start + 1_000);
            Assert.True(request.Start <= children["receive"].Start && children["send"].End <= request.End + 1_000);
        }
    }

    [Fact]
    public async Task Batch_IsOneSpan_LinkedToEveryRequestItServed()
    {
        const int Requests = 4;
        var clock = new FakeTimeProvider();
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(BatchingRepositories.WriteDelayed, options => options.TraceConfig = Config(receiver, "http/protobuf", rate: 1), clock);

        var sends = Enumerable.Range(0, Requests).Select(i =>
        {
            var request = SimpleRequests.Grpc(1, seed: i, model: BatchingRepositories.Delayed);
            request.Id = $"b{i}";
            return server.Grpc.ModelInferAsync(request);
        }).ToArray();
        await server.WaitForQueuedAsync(BatchingRepositories.Delayed, Requests);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(sends).WithTimeout();

        var spans = await receiver.WaitForAsync(all => all.Count(s => s.Name.EndsWith(" infer", StringComparison.Ordinal)) == Requests
            && all.Where(s => s.Name.EndsWith(" execute", StringComparison.Ordinal)).Sum(s => s.Links.Count()) == Requests);
        var requests = spans.Where(s => s.Name.EndsWith(" infer", StringComparison.Ordinal)).ToList();
        var batches = spans.Where(s => s.Name.EndsWith(" execute", StringComparison.Ordinal)).ToList();

        // Every request is linked from exactly one execution, and an execution serving several requests is written once.
        foreach (var request in requests)
        {
            Assert.Single(batches, batch => batch.Links.Contains((request.TraceId, request.SpanId)));
        }

        var batch = Assert.Single(batches);
        Assert.Equal(Requests, batch.Number("inference.batch.requests"));
        Assert.Equal(Requests, batch.Number("inference.batch.size"));
        Assert.Contains(requests, request => request.SpanId == batch.ParentSpanId);
    }

    [Fact]
    public async Task RequestSpan_SaysHowItsVersionWasChosen_AndWhetherItWasMirrored()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;
        await using var server = await TestServer.StartAsync(root =>
        {
            SampleRepositoryWriter.WriteModel(root, "simple", simple, "name: \"simple\"\nmax_batch_size: 8\nversion_policy: { all: {} }\n");
            SampleRepositoryWriter.WriteModel(root, "simple", simple, config: null, version: 2);
            SampleRepositoryWriter.WriteModel(root, "simple", simple, config: null, version: 3);
        }, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
            options.TraceConfig = Config(receiver, "http/protobuf", rate: 1);
        });
        await TrafficPolicyTests.PutPolicyAsync(server, """{"weights": {"1": 50, "2": 50}, "shadow": [{"version": "3", "percent": 100, "queue_size": 1000}]}""");

        await SendAsync("v2/models/simple/infer", "sticky", routingKey: "user-7");
        await SendAsync("v2/models/simple/infer", "weighted", routingKey: null);
        await SendAsync("v2/models/simple/versions/1/infer", "explicit", routingKey: null);

        var spans = await receiver.WaitForAsync(all => all.Count(s => s.Name == "simple infer") == 3);
        var routing = spans.Where(s => s.Name == "simple infer").ToDictionary(s => s.Text("inference.request.id")!, s => (s.Text("inference.routing"), s.Number("inference.shadow.mirrored")));
        Assert.Equal(("sticky", 1L), routing["sticky"]);
        Assert.Equal(("weighted", 1L), routing["weighted"]);
        Assert.Equal(("explicit_version", 1L), routing["explicit"]);

        async Task SendAsync(string path, string id, string? routingKey)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = HttpInfer.Json(SimpleRequests.JsonBody(1, id: id)) };
            if (routingKey is not null)
            {
                request.Headers.Add("x-routing-key", routingKey);
            }

            using var response = await server.Http.SendAsync(request).WithTimeout();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task AnswerFromTheResponseCache_SpanSaysCacheHit_TheComputedOneDoesNot()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(CacheRepositories.WriteCachedSimple, options =>
        {
            options.TraceConfig = Config(receiver, "http/protobuf", rate: 1);
            options.CacheConfig = ["local,size=1048576"];
        });

        // The same tensors twice (the id is not part of the cache key): computed, then from the cache.
        foreach (var id in new[] { "computed", "cached" })
        {
            using var response = await HttpInfer.PostAsync(server.Http, CacheRepositories.Simple, HttpInfer.Json(SimpleRequests.JsonBody(1, id: id)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var spans = await receiver.WaitForAsync(all => all.Count(s => s.Name == "simple infer") == 2);
        var requests = spans.Where(s => s.Name == "simple infer").ToDictionary(s => s.Text("inference.request.id")!);
        Assert.Equal((false, true), (requests["computed"].Flag("inference.cache.hit"), requests["cached"].Flag("inference.cache.hit")));
        Assert.Contains(spans, s => s.Name == "simple execute" && s.ParentSpanId == requests["computed"].SpanId);
        Assert.DoesNotContain(spans, s => s.Name == "simple execute" && s.ParentSpanId == requests["cached"].SpanId);
    }

    private static string[] Config(OtlpReceiver receiver, string protocol, int rate) =>
    [
        "mode=opentelemetry", "level=TIMESTAMPS", $"rate={rate}",
        $"opentelemetry,url={(protocol == "grpc" ? receiver.GrpcUrl : receiver.HttpUrl)}", $"opentelemetry,protocol={protocol}",
        "opentelemetry,bsp_schedule_delay=50",
    ];
}
