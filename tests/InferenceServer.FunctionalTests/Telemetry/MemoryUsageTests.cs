using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.ModelBuilder.Onnx;
using InferenceServer.ModelBuilder.Repository;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// Per-version <c>memory_usage</c> in the statistics, over HTTP and gRPC: each version reports its sessions' weights on
/// the CPU (initializer bytes × instances), so a bigger model reports more than a smaller one, both more than zero; an
/// ensemble holds nothing of its own; an unloaded version's entry is gone.
/// </summary>
public sealed class MemoryUsageTests
{
    private const string Small = "small";
    private const string Big = "big";
    private const int BigWidth = 64;

    private static void WriteRepository(string root)
    {
        // One FP32 constant, two instances: 8 bytes.
        EnsembleRepositories.WriteUnary(root, Small, "Add", 1f, "instance_group [ { count: 2, kind: KIND_CPU } ]\n");

        // A 64 × 64 FP32 weight, one instance: 16 KiB.
        var big = new OnnxModelBuilder(Big)
            .AddInput("IN", OnnxType.Float, -1, BigWidth)
            .AddInitializer("W", new float[BigWidth * BigWidth], BigWidth, BigWidth)
            .AddNode("MatMul", ["IN", "W"], ["OUT"])
            .AddOutput("OUT", OnnxType.Float, -1, BigWidth)
            .ToByteArray();
        SampleRepositoryWriter.WriteModel(root, Big, big,
            "name: \"big\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 8\ninstance_group [ { count: 1, kind: KIND_CPU } ]\n");
        EnsembleRepositories.WriteEnsemble(root, "chain", """
            step [ { model_name: "small" input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "y" } } ]
            """);
    }

    [Fact]
    public async Task Statistics_ReportEachVersionsWeights_AndDropAnUnloadedVersion()
    {
        await using var server = await TestServer.StartAsync(WriteRepository, options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
        });

        var small = Assert.Single((await server.Grpc.ModelStatisticsAsync(Small).WithTimeout()).ModelStats.Single().MemoryUsage);
        Assert.Equal(("CPU", 0L, 8UL), (small.Type, small.Id, small.ByteSize));
        var big = Assert.Single((await server.Grpc.ModelStatisticsAsync(Big).WithTimeout()).ModelStats.Single().MemoryUsage);
        Assert.Equal(("CPU", 0L, (ulong)(BigWidth * BigWidth * sizeof(float))), (big.Type, big.Id, big.ByteSize));
        Assert.Empty((await server.Grpc.ModelStatisticsAsync("chain").WithTimeout()).ModelStats.Single().MemoryUsage);

        var http = await HttpUsageAsync(server);
        Assert.Equal(8, http[Small]);
        Assert.Equal(BigWidth * BigWidth * sizeof(float), http[Big]);
        Assert.True(http[Big] > http[Small]);

        await server.Grpc.RepositoryModelUnloadAsync(Big).WithTimeout();
        Assert.DoesNotContain((await server.Grpc.ModelStatisticsAsync().WithTimeout()).ModelStats, m => m.Name == Big);
        Assert.False((await HttpUsageAsync(server)).ContainsKey(Big));
    }

    // Model name → its CPU byte_size, from every model's statistics over HTTP.
    private static async Task<Dictionary<string, long>> HttpUsageAsync(TestServer server)
    {
        using var response = await server.Http.GetAsync("v2/models/stats").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stats = JsonNode.Parse(await response.Content.ReadAsStringAsync().WithTimeout())!["model_stats"]!.AsArray();
        return stats.Where(m => m!["memory_usage"]!.AsArray().Count > 0).ToDictionary(
            m => m!["name"]!.GetValue<string>(),
            m => Assert.Single(m!["memory_usage"]!.AsArray(), u => u!["type"]!.GetValue<string>() == "CPU")!["byte_size"]!.GetValue<long>());
    }
}
