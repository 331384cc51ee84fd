using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Tracing;

/// <summary>
/// Triton mode's trace file, read back as Triton's <c>trace_summary.py</c> reads it. Invariants:
/// every <c>trace_rate</c>-th request is traced and no more than <c>trace_count</c> of them; each trace names its model
/// and request and has the protocol's receive and send timestamps around REQUEST_START … REQUEST_END, in order; the
/// queue and compute stages add up to what the statistics report for the same requests; a log frequency of N writes
/// every N traces to <c>{file}.{n}</c>, and 0 writes them to <c>{file}</c> at shutdown.
/// </summary>
public sealed class TritonTraceFileTests
{
    private static readonly string[] HttpOrder =
    [
        "HTTP_RECV_START", "HTTP_RECV_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END",
        "COMPUTE_OUTPUT_START", "COMPUTE_END", "REQUEST_END", "HTTP_SEND_START", "HTTP_SEND_END",
    ];

    private static readonly string[] GrpcOrder =
    [
        "GRPC_WAITREAD_START", "GRPC_WAITREAD_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END",
        "COMPUTE_OUTPUT_START", "COMPUTE_END", "REQUEST_END", "GRPC_SEND_START", "GRPC_SEND_END",
    ];

    [Fact]
    public async Task RateAndCount_AreHonouredExactly()
    {
        using var traces = new TraceDirectory();
        var file = traces.File("trace.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            options.TraceConfig = ["level=TIMESTAMPS", "rate=3", "count=2", $"triton,file={file}", "triton,log-frequency=2"]);

        for (var i = 1; i <= 10; i++)
        {
            await InferHttpAsync(server, $"r{i}");
        }

        await server.AfterStepsSettledAsync();
        var records = Read(file + ".0");
        Assert.Equal(["r3", "r6"], Traces(records).Select(t => t.RequestId));
        Assert.False(File.Exists(file + ".1"));
        Assert.Equal("0", (await TraceSettingsTests.ReadAsync(server.Http, "v2/trace/setting"))["trace_count"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_RecordsParse_InOrder_AndAddUpToTheStatistics()
    {
        const int Requests = 6;
        using var traces = new TraceDirectory();
        var file = traces.File("http.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            options.TraceConfig = ["level=TIMESTAMPS", "rate=1", $"triton,file={file}", $"triton,log-frequency={Requests}"]);

        for (var i = 0; i < Requests; i++)
        {
            await InferHttpAsync(server, $"h{i}");
        }

        await server.AfterStepsSettledAsync();
        var all = Traces(Read(file + ".0"));
        Assert.Equal(Requests, all.Count);
        foreach (var trace in all)
        {
            Assert.Equal("simple", trace.Model);
            Assert.Equal(1, trace.Version);
            AssertInOrder(trace, HttpOrder);
        }

        // The statistics charge each request its queue time and its batch's compute stages; the traces say the same.
        var stats = (await TraceSettingsTests.ReadAsync(server.Http, "v2/models/simple/stats"))["model_stats"]![0]!["inference_stats"]!;
        var tolerance = Requests * 1_000L;
        Assert.InRange(all.Sum(t => t["COMPUTE_START"] - t["QUEUE_START"]) - Nanoseconds(stats, "queue"), -tolerance, tolerance);
        Assert.InRange(all.Sum(t => t["COMPUTE_INPUT_END"] - t["COMPUTE_START"]) - Nanoseconds(stats, "compute_input"), -tolerance, tolerance);
        Assert.InRange(all.Sum(t => t["COMPUTE_OUTPUT_START"] - t["COMPUTE_INPUT_END"]) - Nanoseconds(stats, "compute_infer"), -tolerance, tolerance);
        Assert.InRange(all.Sum(t => t["COMPUTE_END"] - t["COMPUTE_OUTPUT_START"]) - Nanoseconds(stats, "compute_output"), -tolerance, tolerance);
    }

    [Fact]
    public async Task Grpc_RecordsHaveGrpcStamps_InOrder()
    {
        using var traces = new TraceDirectory();
        var file = traces.File("grpc.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            options.TraceConfig = ["level=TIMESTAMPS", "rate=1", $"triton,file={file}", "triton,log-frequency=3"]);

        for (var i = 0; i < 3; i++)
        {
            var request = SimpleRequests.Grpc(1, seed: i);
            request.Id = $"g{i}";
            await server.Grpc.ModelInferAsync(request).WithTimeout();
        }

        await server.AfterStepsSettledAsync();
        var all = Traces(Read(file + ".0"));
        Assert.Equal(["g0", "g1", "g2"], all.Select(t => t.RequestId));
        Assert.All(all, trace => AssertInOrder(trace, GrpcOrder));
    }

    [Fact]
    public async Task Tensors_WritesInputsAndOutputs()
    {
        using var traces = new TraceDirectory();
        var file = traces.File("tensors.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            options.TraceConfig = ["level=TIMESTAMPS", "level=TENSORS", "rate=1", $"triton,file={file}", "triton,log-frequency=1"]);

        await InferHttpAsync(server, "t");

        await server.AfterStepsSettledAsync();
        var records = Read(file + ".0");
        var tensors = records.Where(r => r["activity"] is not null).ToDictionary(r => (r["activity"]!.GetValue<string>(), r["tensor"]!["name"]!.GetValue<string>()), r => r["tensor"]!);
        Assert.Equal(string.Join(",", SimpleRequests.Input0(1)), tensors[("TENSOR_QUEUE_INPUT", "INPUT0")]["data"]!.GetValue<string>());
        Assert.Equal("1,16", tensors[("TENSOR_QUEUE_INPUT", "INPUT1")]["shape"]!.GetValue<string>());
        Assert.Equal("INT32", tensors[("TENSOR_BACKEND_OUTPUT", "OUTPUT0")]["dtype"]!.GetValue<string>());
        var sum = SimpleRequests.Sum(SimpleRequests.Input0(1), SimpleRequests.Input1(1));
        Assert.Equal(string.Join(",", sum), tensors[("TENSOR_BACKEND_OUTPUT", "OUTPUT0")]["data"]!.GetValue<string>());
        Assert.Single(Traces(records));
    }

    [Fact]
    public async Task LogFrequencyZero_WritesTheFileAtShutdown()
    {
        using var traces = new TraceDirectory();
        var file = traces.File("shutdown.json");
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            options.TraceConfig = ["level=TIMESTAMPS", "rate=2", $"triton,file={file}"]);

        for (var i = 0; i < 4; i++)
        {
            await InferHttpAsync(server, $"s{i}");
        }

        await server.AfterStepsSettledAsync();
        Assert.False(File.Exists(file));
        await server.ShutDownAsync().WaitAsync(TestTimeouts.Server);

        Assert.Equal(["s1", "s3"], Traces(Read(file)).Select(t => t.RequestId));
    }

    private static async Task InferHttpAsync(TestServer server, string id)
    {
        using var response = await HttpInfer.PostAsync(server.Http, "simple", HttpInfer.Json(SimpleRequests.JsonBody(1, id: id)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static long Nanoseconds(JsonNode stats, string stage) => stats[stage]!["ns"]!.GetValue<long>();

    private static List<JsonObject> Read(string path) =>
        [.. JsonNode.Parse(File.ReadAllText(path))!.AsArray().Select(record => record!.AsObject())];

    /// <summary>The records grouped by trace id, as trace_summary.py merges them.</summary>
    private static List<TraceView> Traces(List<JsonObject> records) =>
        [.. records.GroupBy(r => r["id"]!.GetValue<long>()).OrderBy(g => g.Key).Select(group =>
        {
            var head = group.Single(r => r["model_name"] is not null);
            var stamps = group.Where(r => r["timestamps"] is not null)
                .SelectMany(r => r["timestamps"]!.AsArray())
                .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["ns"]!.GetValue<long>());
            return new TraceView(head["model_name"]!.GetValue<string>(), head["model_version"]!.GetValue<long>(), head["request_id"]!.GetValue<string>(), stamps);
        })];

    private static void AssertInOrder(TraceView trace, string[] order)
    {
        for (var i = 1; i < order.Length; i++)
        {
            Assert.True(trace[order[i - 1]] <= trace[order[i]], $"{order[i - 1]} ({trace[order[i - 1]]}) after {order[i]} ({trace[order[i]]})");
        }
    }

    private sealed record TraceView(string Model, long Version, string RequestId, Dictionary<string, long> Stamps)
    {
        public long this[string name] => Stamps.TryGetValue(name, out var ns) ? ns : throw new Xunit.Sdk.XunitException($"the trace has no {name}: {string.Join(", ", Stamps.Keys)}");
    }
}
