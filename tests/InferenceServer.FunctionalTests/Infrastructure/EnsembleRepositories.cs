using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;
using InferenceServer.ModelBuilder.Onnx;
using InferenceServer.ModelBuilder.Repository;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Ensembles over small ONNX models made with the project's writer. <c>diamond</c> has a fan-out and a join:
/// x → inc (a = x + 1); a → dbl (b = 2a) and a → dec (c = a - 3), at once; (b, c) → join (y = b + c); so y = 3x exactly
/// for small integers. Each composing model is FP32 [-1, 4] with <c>max_batch_size: 8</c>.
/// </summary>
internal static class EnsembleRepositories
{
    public const string Diamond = "diamond";
    public const string Inc = "inc";
    public const string Dbl = "dbl";
    public const string Dec = "dec";
    public const string Join = "join";
    public const int Width = 4;

    /// <summary>The four composing models and <c>diamond</c>; <paramref name="incScheduling"/> is inc's scheduling text (batching).</summary>
    public static void WriteDiamond(string root, string incScheduling = "", string diamondExtra = "")
    {
        WriteUnary(root, Inc, "Add", 1f, incScheduling);
        WriteUnary(root, Dbl, "Mul", 2f);
        WriteUnary(root, Dec, "Sub", 3f);
        var join = new OnnxModelBuilder(Join)
            .AddInput("L", OnnxType.Float, -1, Width)
            .AddInput("R", OnnxType.Float, -1, Width)
            .AddNode("Add", ["L", "R"], ["SUM"])
            .AddOutput("SUM", OnnxType.Float, -1, Width)
            .ToByteArray();
        SampleRepositoryWriter.WriteModel(root, Join, join, Composing(Join));
        WriteEnsemble(root, Diamond, DiamondSteps, diamondExtra);
    }

    /// <summary>inc, dbl, dec, join as <c>diamond</c> calls them.</summary>
    public const string DiamondSteps = """
        step [
          { model_name: "inc" model_version: -1 input_map { key: "IN" value: "x" } output_map { key: "OUT" value: "a" } },
          { model_name: "dbl" model_version: -1 input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "b" } },
          { model_name: "dec" model_version: -1 input_map { key: "IN" value: "a" } output_map { key: "OUT" value: "c" } },
          { model_name: "join" model_version: -1 input_map [ { key: "L" value: "b" }, { key: "R" value: "c" } ] output_map { key: "SUM" value: "y" } }
        ]
        """;

    /// <summary>A composing model computing OUT = IN (op) constant.</summary>
    public static void WriteUnary(string root, string name, string op, float constant, string scheduling = "", int version = 1, long width = Width)
    {
        var onnx = new OnnxModelBuilder(name)
            .AddInput("IN", OnnxType.Float, -1, width)
            .AddInitializer("k", [constant], 1)
            .AddNode(op, ["IN", "k"], ["OUT"])
            .AddOutput("OUT", OnnxType.Float, -1, width)
            .ToByteArray();
        SampleRepositoryWriter.WriteModel(root, name, onnx, Composing(name) + scheduling, version);
    }

    private static string Composing(string name) => $"name: \"{name}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 8\n";

    /// <summary>An ensemble taking x and giving y, FP32 [4] (or the given dims), with an empty version folder as Triton's have.</summary>
    public static void WriteEnsemble(string root, string name, string steps, string extra = "", int maxBatchSize = 8, string inputDims = "4", string outputDims = "4")
    {
        var folder = Path.Combine(root, name);
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.WriteAllText(Path.Combine(folder, SampleRepositoryWriter.ConfigFileName), $$"""
            name: "{{name}}"
            platform: "ensemble"
            max_batch_size: {{maxBatchSize}}
            input [ { name: "x" data_type: TYPE_FP32 dims: [ {{inputDims}} ] } ]
            output [ { name: "y" data_type: TYPE_FP32 dims: [ {{outputDims}} ] } ]
            ensemble_scheduling { {{steps}} }
            {{extra}}
            """);
    }

    public static float[] Input(int batch, int seed = 0, int width = Width) => [.. Enumerable.Range(0, batch * width).Select(i => (float)(seed + i))];

    public static float[] Tripled(float[] x) => [.. x.Select(v => 3 * v)];

    public static ByteArrayContent Json(float[] x, int width = Width) => HttpInfer.Json(new JsonObject
    {
        ["inputs"] = new JsonArray(HttpInfer.Input("x", "FP32", [x.Length / width, width], [.. x.Select(v => (JsonNode)v)])),
    });

    public static ModelInferRequest GrpcRequest(float[] x, string model = Diamond, int width = Width)
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(SimpleRequests.GrpcInput("x", "FP32", [x.Length / width, width]));
        request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan())));
        return request;
    }

    public static float[] Floats(ByteString raw) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();

    /// <summary>Runs x through <paramref name="model"/> over HTTP and returns y.</summary>
    public static async Task<float[]> InferHttpAsync(HttpClient http, float[] x, string model = Diamond)
    {
        using var response = await HttpInfer.PostAsync(http, model, Json(x));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await HttpInfer.ReadAsync(response);
        return [.. result.Output("y")["data"]!.AsArray().Select(v => v!.GetValue<float>())];
    }

    /// <summary>Runs x through <paramref name="model"/> over gRPC and returns y.</summary>
    public static async Task<float[]> InferGrpcAsync(InferenceGrpcClient grpc, float[] x, string model = Diamond)
    {
        var response = await grpc.ModelInferAsync(GrpcRequest(x, model)).WithTimeout();
        Assert.Equal("y", Assert.Single(response.Outputs).Name);
        return Floats(response.RawOutputContents[0]);
    }
}
