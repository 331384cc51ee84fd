using InferenceServer.FuzzTargets.Seeds;
using InferenceServer.Protocols.Http;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>The HTTP JSON request reader: the input is a whole body sent without Inference-Header-Content-Length.</summary>
internal sealed class JsonRequestTarget : IFuzzTarget
{
    private readonly RequestOracle _oracle = new();

    public string Name => "json";

    public string Extension => ".json";

    public IReadOnlyList<(string Name, byte[] Bytes)> Seeds { get; } = [.. JsonSeeds.All.Select(s => (s.Name, s.Body))];

    public string Execute(ReadOnlySpan<byte> input)
    {
        ReadOnlyMemory<byte> body = input.ToArray();
        return _oracle.Check(body.Length, (model, request, pool) => InferRequestParser.Parse(model, body, -1, request, pool, RequestOracle.MaxJsonDepth));
    }
}
