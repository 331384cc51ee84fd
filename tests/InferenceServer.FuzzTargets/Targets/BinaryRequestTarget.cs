using System.Globalization;
using InferenceServer.FuzzTargets.Seeds;
using InferenceServer.Protocols.Http;

namespace InferenceServer.FuzzTargets.Targets;

/// <summary>
/// The binary tensor extension: the input carries Inference-Header-Content-Length and the body
/// (<see cref="HttpRequestFile"/>); the header is checked as the HTTP handler checks it, then the body is
/// split into the JSON header and the blobs by the same parser.
/// </summary>
internal sealed class BinaryRequestTarget : IFuzzTarget
{
    private readonly RequestOracle _oracle = new();

    public string Name => "binary";

    public string Extension => ".bin";

    public IReadOnlyList<(string Name, byte[] Bytes)> Seeds { get; } = [.. BinarySeeds.All.Select(s => (s.Name, s.ToFuzzInput()))];

    public string Execute(ReadOnlySpan<byte> input)
    {
        var (header, body) = HttpRequestFile.Decode(input.ToArray());
        long headerLength = -1;

        // As KServeHttpHandler: a header that is not a non-negative decimal integer is a 400 before the body is read.
        if (header is not null && !long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out headerLength))
        {
            return "header: not a non-negative integer";
        }

        return _oracle.Check(body.Length, (model, request, pool) => InferRequestParser.Parse(model, body, headerLength, request, pool, RequestOracle.MaxJsonDepth));
    }
}
