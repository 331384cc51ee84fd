using System.Net;
using System.Text.Json.Nodes;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>Registration calls and <c>simple</c> requests whose tensors live in shared-memory regions.</summary>
internal static class ShmRequests
{
    /// <summary>Bytes of one row of <c>simple</c>'s INT32 [1,16] tensors.</summary>
    public const int RowBytes = SimpleRequests.Width * sizeof(int);

    public static async Task RegisterAsync(HttpClient http, string region, string key, long byteSize, long offset = 0)
    {
        using var response = await http.PostAsync($"v2/systemsharedmemory/region/{region}/register",
            HttpInfer.Json(new JsonObject { ["key"] = key, ["offset"] = offset, ["byte_size"] = byteSize })).WithTimeout();
        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"register '{region}': {(int)response.StatusCode} {text}");
    }

    public static Task<HttpResponseMessage> PostRegisterAsync(HttpClient http, string region, string body) =>
        http.PostAsync($"v2/systemsharedmemory/region/{region}/register", HttpInfer.Json(body));

    public static async Task UnregisterAsync(HttpClient http, string region)
    {
        using var response = await http.PostAsync($"v2/systemsharedmemory/region/{region}/unregister", null).WithTimeout();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static JsonObject Parameters(string region, long offset, long byteSize) => new()
    {
        ["shared_memory_region"] = region,
        ["shared_memory_offset"] = offset,
        ["shared_memory_byte_size"] = byteSize,
    };

    public static JsonObject Input(string name, string region, long offset, long byteSize = RowBytes) => new()
    {
        ["name"] = name,
        ["datatype"] = "INT32",
        ["shape"] = new JsonArray(1, SimpleRequests.Width),
        ["parameters"] = Parameters(region, offset, byteSize),
    };

    public static JsonObject Output(string name, string region, long offset, long byteSize = RowBytes) => new()
    {
        ["name"] = name,
        ["parameters"] = Parameters(region, offset, byteSize),
    };

    /// <summary>Both inputs from <paramref name="inputs"/> (INPUT0 at 0, INPUT1 after it), both outputs into <paramref name="outputs"/> likewise.</summary>
    public static JsonObject Body(string inputs, string outputs) => new()
    {
        ["inputs"] = new JsonArray(Input("INPUT0", inputs, 0), Input("INPUT1", inputs, RowBytes)),
        ["outputs"] = new JsonArray(Output("OUTPUT0", outputs, 0), Output("OUTPUT1", outputs, RowBytes)),
    };

    public static void SetParameters(Google.Protobuf.Collections.MapField<string, InferParameter> parameters, string region, long offset, long byteSize = RowBytes)
    {
        parameters["shared_memory_region"] = new InferParameter { StringParam = region };
        parameters["shared_memory_offset"] = new InferParameter { Int64Param = offset };
        parameters["shared_memory_byte_size"] = new InferParameter { Int64Param = byteSize };
    }

    /// <summary>The gRPC form of <see cref="Body"/>: no raw contents at all.</summary>
    public static ModelInferRequest Grpc(string inputs, string outputs, string model = "simple")
    {
        var request = new ModelInferRequest { ModelName = model };
        foreach (var (name, offset) in new[] { ("INPUT0", 0), ("INPUT1", RowBytes) })
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT32" };
            tensor.Shape.Add([1, SimpleRequests.Width]);
            SetParameters(tensor.Parameters, inputs, offset);
            request.Inputs.Add(tensor);
        }

        foreach (var (name, offset) in new[] { ("OUTPUT0", 0), ("OUTPUT1", RowBytes) })
        {
            var output = new ModelInferRequest.Types.InferRequestedOutputTensor { Name = name };
            SetParameters(output.Parameters, outputs, offset);
            request.Outputs.Add(output);
        }

        return request;
    }

    public static int[] Ints(byte[] bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray();
}
