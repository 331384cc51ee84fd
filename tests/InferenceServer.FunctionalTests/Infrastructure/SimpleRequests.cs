using System.Text.Json.Nodes;
using Google.Protobuf;
using Inference;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Requests for Triton's <c>simple</c> model (INT32 [-1,16] INPUT0, INPUT1; OUTPUT0 = sum, OUTPUT1 =
/// difference) and the expected answers. The default values are Triton's example client's: INPUT0 = 0..15
/// and INPUT1 = 1 in every row, offset by 100 per row so rows are told apart.
/// </summary>
internal static class SimpleRequests
{
    public const int Width = 16;

    public static int[] Input0(int batch, int seed = 0) => Enumerable.Range(0, batch * Width).Select(i => seed + (100 * (i / Width)) + (i % Width)).ToArray();

    public static int[] Input1(int batch, int seed = 0) => Enumerable.Repeat(1 + seed, batch * Width).ToArray();

    public static int[] Sum(int[] a, int[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    public static int[] Difference(int[] a, int[] b) => a.Zip(b, (x, y) => x - y).ToArray();

    public static long[] Shape(int batch) => [batch, Width];

    public static JsonObject JsonBody(int batch, int seed = 0, string? id = null)
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", Shape(batch), HttpInfer.Numbers(Input0(batch, seed))),
                HttpInfer.Input("INPUT1", "INT32", Shape(batch), HttpInfer.Numbers(Input1(batch, seed)))),
        };
        if (id is not null)
        {
            body["id"] = id;
        }

        return body;
    }

    public static ByteArrayContent Json(int batch, int seed = 0) => HttpInfer.Json(JsonBody(batch, seed));

    /// <summary>A gRPC request with both inputs in raw_input_contents.</summary>
    public static ModelInferRequest Grpc(int batch, int seed = 0, string model = "simple")
    {
        var request = new ModelInferRequest { ModelName = model };
        request.Inputs.Add(GrpcInput("INPUT0", "INT32", Shape(batch)));
        request.Inputs.Add(GrpcInput("INPUT1", "INT32", Shape(batch)));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(Input0(batch, seed))));
        request.RawInputContents.Add(ByteString.CopyFrom(TensorCase.Pack(Input1(batch, seed))));
        return request;
    }

    /// <summary>A gRPC request whose INPUT0 has 15 columns instead of 16 (with data to match the wrong shape).</summary>
    public static ModelInferRequest GrpcWrongShape()
    {
        var request = new ModelInferRequest { ModelName = "simple" };
        request.Inputs.Add(GrpcInput("INPUT0", "INT32", [1, 15]));
        request.Inputs.Add(GrpcInput("INPUT1", "INT32", [1, 16]));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[60]));
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[64]));
        return request;
    }

    public static ModelInferRequest.Types.InferInputTensor GrpcInput(string name, string datatype, long[] shape)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        tensor.Shape.Add(shape);
        return tensor;
    }

    public static int[] Int32s(ByteString raw) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(raw.Span).ToArray();
}
