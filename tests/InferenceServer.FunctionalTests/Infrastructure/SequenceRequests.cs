using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>One-value requests for the sequence accumulators, with Triton's sequence parameters, and their answers.</summary>
internal static class SequenceRequests
{
    /// <summary>An HTTP JSON body: INPUT [1,1] = <paramref name="value"/>; <paramref name="id"/> a ulong, a string, or null for none.</summary>
    public static JsonObject JsonBody(object? id, int value, bool start = false, bool end = false, int rows = 1)
    {
        var parameters = new JsonObject();
        switch (id)
        {
            case ulong number:
                parameters["sequence_id"] = number;
                break;
            case string text:
                parameters["sequence_id"] = text;
                break;
        }

        if (start)
        {
            parameters["sequence_start"] = true;
        }

        if (end)
        {
            parameters["sequence_end"] = true;
        }

        return new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT", "INT32", [rows, 1], HttpInfer.Numbers(Enumerable.Repeat(value, rows)))),
            ["parameters"] = parameters,
        };
    }

    public static async Task<InferResult> PostAsync(TestServer server, string model, object? id, int value, bool start = false, bool end = false)
    {
        using var response = await HttpInfer.PostAsync(server.Http, model, HttpInfer.Json(JsonBody(id, value, start, end)));
        var result = await HttpInfer.ReadAsync(response);
        Assert.True(result.Status == HttpStatusCode.OK, $"sequence {id} value {value}: {result.Json.ToJsonString()}");
        return result;
    }

    /// <summary>A gRPC request: INPUT [1,1] = <paramref name="value"/> in raw_input_contents; <paramref name="id"/> a ulong, a string, or null.</summary>
    public static ModelInferRequest Grpc(string model, object? id, int value, bool start = false, bool end = false, string requestId = "")
    {
        var request = new ModelInferRequest { ModelName = model, Id = requestId };
        request.Inputs.Add(SimpleRequests.GrpcInput("INPUT", "INT32", [1, 1]));
        request.RawInputContents.Add(ByteString.CopyFrom(BitConverter.GetBytes(value)));
        switch (id)
        {
            case ulong number:
                request.Parameters["sequence_id"] = new InferParameter { Uint64Param = number };
                break;
            case string text:
                request.Parameters["sequence_id"] = new InferParameter { StringParam = text };
                break;
        }

        request.Parameters["sequence_start"] = new InferParameter { BoolParam = start };
        request.Parameters["sequence_end"] = new InferParameter { BoolParam = end };
        return request;
    }

    /// <summary>The raw bytes of output <paramref name="name"/> of a gRPC answer.</summary>
    public static ByteString Raw(ModelInferResponse response, string name)
    {
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            if (response.Outputs[i].Name == name)
            {
                return response.RawOutputContents[i];
            }
        }

        throw new KeyNotFoundException(name);
    }

    public static int Int32(ModelInferResponse response, string name) => BitConverter.ToInt32(Raw(response, name).Span);

    /// <summary>What the accumulator answers after the values of steps 0..<paramref name="step"/> of a sequence.</summary>
    public static int RunningSum(Func<int, int> valueAt, int step) => Enumerable.Range(0, step + 1).Sum(valueAt);
}
