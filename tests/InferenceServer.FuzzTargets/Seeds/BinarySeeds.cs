using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>
/// Valid bodies of the binary tensor extension for the sample models: a JSON header of
/// Inference-Header-Content-Length bytes followed by the blobs, JSON and binary inputs mixed, and raw
/// binary requests (header length 0, the whole body is the only input).
/// </summary>
internal static class BinarySeeds
{
    public static IReadOnlyList<HttpRequestSeed> All { get; } =
    [
        Seed("simple-binary", "simple", $$$"""{"inputs":[{{{Input("INPUT0", "INT32", [1, 16], 64)}}},{{{Input("INPUT1", "INT32", [1, 16], 64)}}}],"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}},{"name":"OUTPUT1","parameters":{"binary_data":true}}]}""",
            Int32s(0, 16), Int32s(1, 16)),
        Seed("simple-mixed", "simple", $$$"""{"parameters":{"binary_data_output":true},"inputs":[{{{JsonSeeds.Input("INPUT0", "INT32", [1, 16], "[" + string.Join(',', Enumerable.Range(0, 16)) + "]")}}},{{{Input("INPUT1", "INT32", [1, 16], 64)}}}]}""",
            Int32s(7, 16)),
        Seed("simple_string-binary", "simple_string", $$$"""{"inputs":[{{{Input("INPUT0", "BYTES", [1, 16], 16 * 5)}}},{{{Input("INPUT1", "BYTES", [1, 16], 16 * 5)}}}]}""",
            Elements(Enumerable.Range(0, 16).Select(i => $"{i % 10}")), Elements(Enumerable.Range(0, 16).Select(i => $"{(i + 1) % 10}"))),
        Seed("simple_identity-binary", "simple_identity", $$$"""{"inputs":[{{{Input("INPUT0", "BYTES", [1, 3], 4 + 1 + 4 + 0 + 4 + 5)}}}]}""",
            Elements(["a", "", "hello"])),
        Seed("fraud_detector-binary", "fraud_detector", $$$"""{"inputs":[{{{Input("features", "FP32", [2, 30], 240)}}}]}""", Floats(60)),
        Seed("identity_fp32-binary", "identity_fp32", $$$"""{"inputs":[{{{Input("INPUT0", "FP32", [1, 5], 20)}}}],"outputs":[{"name":"OUTPUT0","parameters":{"binary_data":true}}]}""", Floats(5)),
        Raw("fraud_detector-raw", "fraud_detector", Floats(30)),
        Raw("identity_fp32-raw", "identity_fp32", Floats(7)),
        Raw("simple_identity-raw", "simple_identity", Encoding.UTF8.GetBytes("one raw string")),
    ];

    /// <summary>An input whose data is a blob of <paramref name="byteSize"/> bytes after the header.</summary>
    public static string Input(string name, string datatype, long[] shape, long byteSize) =>
        $$$"""{"name":"{{{name}}}","shape":[{{{string.Join(',', shape)}}}],"datatype":"{{{datatype}}}","parameters":{"binary_data_size":{{{byteSize}}}}}""";

    private static HttpRequestSeed Seed(string name, string model, string header, params byte[][] blobs)
    {
        var json = Encoding.UTF8.GetBytes(header);
        return new(name, model, [.. json, .. blobs.SelectMany(b => b)], json.Length);
    }

    private static HttpRequestSeed Raw(string name, string model, byte[] body) => new(name, model, body, 0);

    private static byte[] Int32s(int start, int count) => MemoryMarshal.AsBytes(Enumerable.Range(start, count).ToArray().AsSpan()).ToArray();

    private static byte[] Floats(int count) => MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(i => (i * 0.5f) - 4).ToArray().AsSpan()).ToArray();

    /// <summary>BYTES elements in the wire layout: a 4-byte little-endian length before each.</summary>
    private static byte[] Elements(IEnumerable<string> values)
    {
        var output = new List<byte>();
        Span<byte> prefix = stackalloc byte[4];
        foreach (var value in values)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            output.AddRange(prefix);
            output.AddRange(bytes);
        }

        return [.. output];
    }
}
