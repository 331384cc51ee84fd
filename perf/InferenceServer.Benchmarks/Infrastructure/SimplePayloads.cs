using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using Inference;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// Requests for Triton's <c>simple</c> model (two INT32 [1,16] inputs), byte for byte the bodies
/// perf/h2load/make_payloads.py writes for the end-to-end runs: INPUT0 = 0..15, INPUT1 = 1.
/// </summary>
internal static class SimplePayloads
{
    public const int Width = SampleModels.SimpleWidth;

    public static int[] Input0 { get; } = Enumerable.Range(0, Width).ToArray();

    public static int[] Input1 { get; } = Enumerable.Repeat(1, Width).ToArray();

    public static byte[] Input0Bytes => MemoryMarshal.AsBytes(Input0.AsSpan()).ToArray();

    public static byte[] Input1Bytes => MemoryMarshal.AsBytes(Input1.AsSpan()).ToArray();

    /// <summary>The JSON header of the binary request: both inputs as blobs, every output asked binary.</summary>
    public static byte[] HttpBinaryHeader { get; } = Encoding.UTF8.GetBytes(
        """{"inputs":[{"name":"INPUT0","shape":[1,16],"datatype":"INT32","parameters":{"binary_data_size":64}},{"name":"INPUT1","shape":[1,16],"datatype":"INT32","parameters":{"binary_data_size":64}}],"parameters":{"binary_data_output":true}}""");

    /// <summary>Binary tensor extension: the header, then INPUT0's and INPUT1's 64 bytes (send with Inference-Header-Content-Length).</summary>
    public static byte[] HttpBinaryBody { get; } = [.. HttpBinaryHeader, .. Input0Bytes, .. Input1Bytes];

    /// <summary>JSON tensors in and (no binary_data_output) out.</summary>
    public static byte[] HttpJsonBody { get; } = Encoding.UTF8.GetBytes(
        """{"inputs":[{"name":"INPUT0","shape":[1,16],"datatype":"INT32","data":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]},{"name":"INPUT1","shape":[1,16],"datatype":"INT32","data":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}]}""");

    /// <summary>The gRPC request of perf/h2load: model name, two input headers, both tensors in raw_input_contents.</summary>
    public static ModelInferRequest GrpcRequest()
    {
        var request = new ModelInferRequest { ModelName = SampleModelNames.Simple };
        foreach (var name in (ReadOnlySpan<string>)[SampleModelNames.Input0, SampleModelNames.Input1])
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = "INT32" };
            tensor.Shape.Add(1);
            tensor.Shape.Add(Width);
            request.Inputs.Add(tensor);
        }

        request.RawInputContents.Add(ByteString.CopyFrom(Input0Bytes));
        request.RawInputContents.Add(ByteString.CopyFrom(Input1Bytes));
        return request;
    }

    /// <summary>OUTPUT0 = INPUT0 + INPUT1 and OUTPUT1 = INPUT0 - INPUT1, as the model must answer.</summary>
    public static void Verify(ReadOnlySpan<byte> output0, ReadOnlySpan<byte> output1)
    {
        var sum = MemoryMarshal.Cast<byte, int>(output0);
        var difference = MemoryMarshal.Cast<byte, int>(output1);
        if (sum.Length != Width || difference.Length != Width)
        {
            throw new InvalidOperationException($"simple answered {sum.Length} and {difference.Length} values; expected {Width} each");
        }

        for (var i = 0; i < Width; i++)
        {
            if (sum[i] != Input0[i] + Input1[i] || difference[i] != Input0[i] - Input1[i])
            {
                throw new InvalidOperationException($"simple answered a wrong value at element {i}");
            }
        }
    }
}
