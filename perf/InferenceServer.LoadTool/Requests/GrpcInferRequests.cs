using Google.Protobuf;
using Inference;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Requests;

/// <summary>Builds ModelInferRequest messages with every input in <c>raw_input_contents</c>, serialized once.</summary>
internal static class GrpcInferRequests
{
    public static ModelInferRequest Build(string model, string version, IReadOnlyList<InputTensor> inputs)
    {
        var request = new ModelInferRequest { ModelName = model, ModelVersion = version };
        foreach (var input in inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.DataType };
            tensor.Shape.Add(input.Shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(ByteString.CopyFrom(input.Raw));
        }

        return request;
    }

    public static SerializedRequest Serialize(string model, string version, IReadOnlyList<InputTensor> inputs) =>
        new(Build(model, version, inputs).ToByteArray());
}
