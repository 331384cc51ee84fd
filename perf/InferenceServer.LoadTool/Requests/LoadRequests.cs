using InferenceServer.Client;
using InferenceServer.LoadTool.Data;

namespace InferenceServer.LoadTool.Requests;

/// <summary>
/// The client library's requests for the tool's input sets, built once before the run: every input as raw wire bytes
/// sent from the tool's own arrays. A request describes itself (its HTTP JSON header, its gRPC message) on first send
/// and reuses that for every later one, as the tool's prebuilt bodies did.
/// </summary>
internal static class LoadRequests
{
    public static InferRequest Build(string model, string version, IReadOnlyList<InputTensor> inputs)
    {
        var request = new InferRequest(model, version);
        foreach (var input in inputs)
        {
            request.AddRawInput(input.Name, input.DataType, input.Raw, input.Shape);
        }

        return request;
    }
}
