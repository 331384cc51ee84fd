using System.Runtime.InteropServices;
using Google.Protobuf;
using Inference;

namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>Valid <c>ModelInferRequest</c> messages for the sample models: raw contents, every typed contents field they use, parameters and requested outputs.</summary>
internal static class GrpcSeeds
{
    public static IReadOnlyList<(string Name, ModelInferRequest Message)> Messages { get; } =
    [
        ("simple-raw", SimpleRaw()),
        ("simple-typed", SimpleTyped()),
        ("simple_string-typed", SimpleStringTyped()),
        ("simple_identity-raw", SimpleIdentityRaw()),
        ("fraud_detector-typed", FraudTyped()),
        ("identity_fp32-raw-parameters", IdentityWithParameters()),
    ];

    /// <summary>The messages serialised, as fuzz inputs.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All { get; } = [.. Messages.Select(m => (m.Name, m.Message.ToByteArray()))];

    public static ModelInferRequest.Types.InferInputTensor Tensor(string name, string datatype, params long[] shape)
    {
        var tensor = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        tensor.Shape.AddRange(shape);
        return tensor;
    }

    private static ModelInferRequest SimpleRaw()
    {
        var message = new ModelInferRequest { ModelName = "simple", Id = "grpc-seed" };
        message.Inputs.Add(Tensor("INPUT0", "INT32", 1, 16));
        message.Inputs.Add(Tensor("INPUT1", "INT32", 1, 16));
        message.RawInputContents.Add(Raw(Enumerable.Range(0, 16).ToArray()));
        message.RawInputContents.Add(Raw(Enumerable.Repeat(1, 16).ToArray()));
        return message;
    }

    private static ModelInferRequest SimpleTyped()
    {
        var message = new ModelInferRequest { ModelName = "simple" };
        for (var i = 0; i < 2; i++)
        {
            var tensor = Tensor($"INPUT{i}", "INT32", 2, 16);
            tensor.Contents = new InferTensorContents();
            tensor.Contents.IntContents.AddRange(Enumerable.Range(i * 50, 32));
            message.Inputs.Add(tensor);
        }

        message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT1" });
        return message;
    }

    private static ModelInferRequest SimpleStringTyped()
    {
        var message = new ModelInferRequest { ModelName = "simple_string" };
        for (var i = 0; i < 2; i++)
        {
            var tensor = Tensor($"INPUT{i}", "BYTES", 1, 16);
            tensor.Contents = new InferTensorContents();
            tensor.Contents.BytesContents.AddRange(Enumerable.Range(i, 16).Select(v => ByteString.CopyFromUtf8(v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            message.Inputs.Add(tensor);
        }

        return message;
    }

    private static ModelInferRequest SimpleIdentityRaw()
    {
        var message = new ModelInferRequest { ModelName = "simple_identity" };
        message.Inputs.Add(Tensor("INPUT0", "BYTES", 1, 2));
        message.RawInputContents.Add(ByteString.CopyFrom([2, 0, 0, 0, (byte)'h', (byte)'i', 0, 0, 0, 0]));
        return message;
    }

    private static ModelInferRequest FraudTyped()
    {
        var message = new ModelInferRequest { ModelName = "fraud_detector" };
        var tensor = Tensor("features", "FP32", 1, 30);
        tensor.Contents = new InferTensorContents();
        tensor.Contents.Fp32Contents.AddRange(Enumerable.Range(0, 30).Select(i => i / 10f));
        message.Inputs.Add(tensor);
        return message;
    }

    private static ModelInferRequest IdentityWithParameters()
    {
        var message = new ModelInferRequest { ModelName = "identity_fp32", ModelVersion = "1" };
        message.Parameters.Add("priority", new InferParameter { Int64Param = 1 });
        message.Parameters.Add("timeout", new InferParameter { Uint64Param = 5_000_000 });
        message.Parameters.Add("custom", new InferParameter { StringParam = "x" });
        message.Inputs.Add(Tensor("INPUT0", "FP32", 1, 4));
        message.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(new float[] { 1, -1, 0.5f, 1e30f }.AsSpan())));
        message.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "OUTPUT0" });
        return message;
    }

    private static ByteString Raw(int[] values) => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
}
