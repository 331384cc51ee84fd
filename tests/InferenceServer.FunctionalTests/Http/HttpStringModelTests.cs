using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>Triton's <c>simple_string</c> and <c>simple_identity</c> examples over HTTP, as its example clients call them.</summary>
[Collection(ServerCollection.Name)]
public sealed class HttpStringModelTests(ServerFixture fixture)
{
    private static readonly int[] A = Enumerable.Range(0, 16).ToArray();
    private static readonly int[] B = Enumerable.Repeat(1, 16).ToArray();

    private readonly HttpClient _http = fixture.Server.Http;

    [Fact]
    public async Task SimpleString_JsonStrings_ReturnsDecimalSumAndDifference()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "BYTES", [1, 16], Strings(A)),
                HttpInfer.Input("INPUT1", "BYTES", [1, 16], Strings(B))),
        };

        using var response = await HttpInfer.PostAsync(_http, "simple_string", HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal("BYTES", result.Output("OUTPUT0")["datatype"]!.GetValue<string>());
        Assert.Equal(SimpleRequests.Sum(A, B).Select(Decimal), result.Output("OUTPUT0")["data"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(SimpleRequests.Difference(A, B).Select(Decimal), result.Output("OUTPUT1")["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public async Task SimpleString_BinaryStrings_ReturnsLengthPrefixedDecimalStrings()
    {
        var input0 = TensorCase.LengthPrefixed(A.Select(Decimal).ToArray());
        var input1 = TensorCase.LengthPrefixed(B.Select(Decimal).ToArray());
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.BinaryInput("INPUT0", "BYTES", [1, 16], input0.Length),
                HttpInfer.BinaryInput("INPUT1", "BYTES", [1, 16], input1.Length)),
            ["parameters"] = new JsonObject { ["binary_data_output"] = true },
        };

        using var response = await HttpInfer.PostAsync(_http, "simple_string", HttpInfer.Binary(header, input0, input1));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(TensorCase.LengthPrefixed(SimpleRequests.Sum(A, B).Select(Decimal).ToArray()), result.Binary["OUTPUT0"]);
        Assert.Equal(TensorCase.LengthPrefixed(SimpleRequests.Difference(A, B).Select(Decimal).ToArray()), result.Binary["OUTPUT1"]);
    }

    [Fact]
    public async Task SimpleIdentity_JsonStrings_ReturnsThemUnchanged()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(HttpInfer.Input("INPUT0", "BYTES", [2, 2], ["a", "bb", "", "long string value"])),
        };

        using var response = await HttpInfer.PostAsync(_http, "simple_identity", HttpInfer.Json(body));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        var output = result.Output("OUTPUT0");
        Assert.Equal([2L, 2L], output["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        Assert.Equal(["a", "bb", "", "long string value"], output["data"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static JsonArray Strings(int[] values) => [.. values.Select(v => (JsonNode)Decimal(v))];

    private static string Decimal(int value) => value.ToString(CultureInfo.InvariantCulture);
}
