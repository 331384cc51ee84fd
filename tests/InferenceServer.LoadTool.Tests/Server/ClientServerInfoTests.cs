using InferenceServer.Client.Http;
using InferenceServer.LoadTool.Server;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Server;

/// <summary>Reading the server's JSON through the client library: the bodies are what the server answers, extra members included.</summary>
public class ClientServerInfoTests
{
    private const string Stats = """
        {"model_stats":[
          {"name":"simple","version":"1","last_inference":1,"inference_count":40,"execution_count":30,
           "inference_stats":{"success":{"count":30,"ns":3000},"fail":{"count":2,"ns":20},"queue":{"count":30,"ns":300},
             "compute_input":{"count":30,"ns":30},"compute_infer":{"count":30,"ns":600},"compute_output":{"count":30,"ns":60},
             "cache_hit":{"count":0,"ns":0},"cache_miss":{"count":0,"ns":0}},
           "batch_stats":[],"memory_usage":[],"latency_us":{"request":{"lifetime":{"count":0,"p50":null}}}},
          {"name":"simple","version":"2","last_inference":1,"inference_count":10,"execution_count":10,
           "inference_stats":{"success":{"count":10,"ns":1000},"fail":{"count":0,"ns":0},"queue":{"count":10,"ns":100},
             "compute_input":{"count":10,"ns":10},"compute_infer":{"count":10,"ns":200},"compute_output":{"count":10,"ns":20}}}
        ]}
        """;

    [Fact]
    public async Task ReadStatistics_TwoVersions_SumsThem()
    {
        using var http = Client(new Dictionary<string, string> { ["/v2/models/simple/stats"] = Stats }, out _);

        var stats = await Info(http).ReadStatisticsAsync("simple", "", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(new CountedDuration(40, 4000), stats.Success);
        Assert.Equal(new CountedDuration(2, 20), stats.Fail);
        Assert.Equal(new CountedDuration(40, 400), stats.Queue);
        Assert.Equal(new CountedDuration(40, 800), stats.ComputeInfer);
        Assert.Equal(50, stats.InferenceCount);
        Assert.Equal(40, stats.ExecutionCount);
    }

    [Fact]
    public async Task Describe_MetadataAndConfig_GiveInputsAndBatching()
    {
        using var http = Client(
            new Dictionary<string, string>
            {
                ["/v2/models/simple/versions/1"] = """{"name":"simple","versions":["1"],"platform":"onnxruntime_onnx","inputs":[{"name":"INPUT0","datatype":"INT32","shape":[-1,16]}],"outputs":[]}""",
                ["/v2/models/simple/versions/1/config"] = """{"name":"simple","max_batch_size":8,"input":[]}""",
            },
            out var handler);

        var model = await Info(http).DescribeAsync("simple", "1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(8, model.MaxBatchSize);
        var input = Assert.Single(model.Inputs);
        Assert.Equal(("INPUT0", "INT32"), (input.Name, input.DataType));
        Assert.Equal([-1L, 16], input.Shape);
        Assert.Equal(["/v2/models/simple/versions/1", "/v2/models/simple/versions/1/config"], handler.Paths);
    }

    [Fact]
    public async Task Describe_UnknownModel_SaysWhatTheServerAnswered()
    {
        using var http = Client(new Dictionary<string, string>(), out _);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Info(http).DescribeAsync("nope", "", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such model", error.Message, StringComparison.Ordinal);
    }

    private static ClientServerInfo Info(HttpClient http) => new(new HttpInferenceClient(http));

    private static HttpClient Client(Dictionary<string, string> bodies, out CannedHandler handler)
    {
        handler = new CannedHandler(bodies);
        return new HttpClient(handler) { BaseAddress = new Uri("http://server.test/") };
    }
}
