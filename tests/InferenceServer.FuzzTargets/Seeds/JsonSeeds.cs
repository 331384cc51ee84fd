using System.Globalization;
using System.Text;

namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>Valid JSON-only inference bodies for the sample models (<see cref="ConfigSeeds.Models"/>).</summary>
internal static class JsonSeeds
{
    public static IReadOnlyList<HttpRequestSeed> All { get; } =
    [
        Seed("simple-batch1", "simple", $$$"""{"inputs":[{{{Input("INPUT0", "INT32", [1, 16], Ints(0, 16))}}},{{{Input("INPUT1", "INT32", [1, 16], Ints(1, 16))}}}]}"""),
        Seed("simple-batch2-outputs", "simple", $$$"""
            {"id":"seed-2","parameters":{"binary_data_output":false,"priority":1,"timeout":1000000,"custom":{"x":[1,2]}},
             "inputs":[{{{Input("INPUT0", "INT32", [2, 16], "[" + Ints(0, 16) + "," + Ints(100, 16) + "]")}}},
                       {"datatype":"INT32","shape":[2,16],"name":"INPUT1","data":{{{Ints(-5, 32)}}}}],
             "outputs":[{"name":"OUTPUT1","parameters":{"binary_data":false}},{"name":"OUTPUT0"}]}
            """),
        Seed("simple_string-batch1", "simple_string", $$$"""{"inputs":[{{{Input("INPUT0", "BYTES", [1, 16], Strings(0, 16))}}},{{{Input("INPUT1", "BYTES", [1, 16], Strings(1, 16))}}}]}"""),
        Seed("simple_identity-batch2", "simple_identity", $$$"""{"inputs":[{{{Input("INPUT0", "BYTES", [2, 2], "[[\"a\",\"\\u00e9\\n\"],[\"\",\"quote \\\" \\\\\"]]")}}}],"outputs":[{"name":"OUTPUT0"}]}"""),
        Seed("fraud_detector-batch1", "fraud_detector", $$$"""{"inputs":[{{{Input("features", "FP32", [1, 30], Floats(30))}}}],"outputs":[{"name":"probabilities"}]}"""),
        Seed("identity_fp32-batch2", "identity_fp32", $$$"""{"inputs":[{{{Input("INPUT0", "FP32", [2, 3], "[[1.5,-2,3e2],[0,1e-3,-0.0]]")}}}]}"""),
    ];

    /// <summary>An input object with JSON data.</summary>
    public static string Input(string name, string datatype, long[] shape, string data) =>
        $$$"""{"name":"{{{name}}}","shape":[{{{string.Join(',', shape)}}}],"datatype":"{{{datatype}}}","data":{{{data}}}}""";

    private static HttpRequestSeed Seed(string name, string model, string json) => new(name, model, Encoding.UTF8.GetBytes(json), null);

    private static string Ints(int start, int count) => "[" + string.Join(',', Enumerable.Range(start, count)) + "]";

    private static string Strings(int start, int count) => "[" + string.Join(',', Enumerable.Range(start, count).Select(i => $"\"{i}\"")) + "]";

    private static string Floats(int count) => "[" + string.Join(',', Enumerable.Range(0, count).Select(i => (i * 0.25 - 3).ToString(CultureInfo.InvariantCulture))) + "]";
}
