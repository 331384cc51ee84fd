using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// What a mutated request may get back. HTTP: 200 with a well-formed inference response, or 400 or 413 with a
/// JSON <c>{"error": "..."}</c> that says what is wrong, or 404 for a shared-memory region that is not registered, or 501 for an
/// extension the server documents as unsupported, or 431 from Kestrel itself when a mutated header line outgrows
/// its limit (that answer never reaches the server's code, so it has no JSON body). gRPC: OK, or a client status (INVALID_ARGUMENT, NOT_FOUND,
/// UNIMPLEMENTED, RESOURCE_EXHAUSTED) with a message; never INTERNAL or UNKNOWN, which mean the server failed.
/// Then, after every property, a good request still gets the right answer.
/// </summary>
internal static class FuzzAnswers
{
    private static readonly HttpStatusCode[] ClientErrors = [HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge];

    private static readonly StatusCode[] ClientStatuses = [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.Unimplemented, StatusCode.ResourceExhausted];

    public static async Task AssertHttpAsync(HttpResponseMessage response, string request)
    {
        using (response)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await AssertInferResponseAsync(response, request);
                return;
            }

            if (response.StatusCode == HttpStatusCode.RequestHeaderFieldsTooLarge)
            {
                return;
            }

            if (response.StatusCode == HttpStatusCode.NotImplemented)
            {
                var unsupported = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.NotImplemented);
                Assert.Contains("not supported", unsupported, StringComparison.Ordinal);
                return;
            }

            if (!ClientErrors.Contains(response.StatusCode))
            {
                var body = await response.Content.ReadAsStringAsync().WithTimeout();
                Assert.Fail($"{(int)response.StatusCode} for {request}: {body}");
            }

            var message = await HttpInfer.AssertErrorAsync(response, response.StatusCode);
            Assert.False(string.IsNullOrWhiteSpace(message), $"an empty error message for {request}");
        }
    }

    /// <summary>
    /// A 200 is an inference response: a JSON header with outputs, then as many blob bytes as its binary_data_size
    /// values say. Mutated inputs reach outputs of NaN and infinity, which the server writes as the tokens Python's
    /// json module reads (JsonTensorWriter); JSON proper has none, so they are read as null here.
    /// </summary>
    private static async Task AssertInferResponseAsync(HttpResponseMessage response, string request)
    {
        var body = HttpInfer.Decompress(await response.Content.ReadAsByteArrayAsync().WithTimeout(), response.Content.Headers.ContentEncoding);
        var headerLength = HttpInfer.HeaderLength(response) ?? body.Length;
        var header = Encoding.UTF8.GetString(body, 0, headerLength).Replace("-Infinity", "null").Replace("Infinity", "null").Replace("NaN", "null");
        var outputs = JsonNode.Parse(header)?["outputs"]?.AsArray();
        Assert.True(outputs is { Count: > 0 }, $"a 200 without outputs for {request}: {header}");
        var blobs = outputs.Sum(o => o?["parameters"]?["binary_data_size"]?.GetValue<long>() ?? 0);
        Assert.Equal(body.Length - headerLength, blobs);
    }

    public static void AssertGrpc(RpcException error, string request)
    {
        Assert.True(ClientStatuses.Contains(error.StatusCode), $"{error.StatusCode} for {request}: {error.Status.Detail}");
        Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail), $"{error.StatusCode} without a message for {request}");
        if (error.StatusCode == StatusCode.Unimplemented)
        {
            Assert.Contains("not supported", error.Status.Detail, StringComparison.Ordinal);
        }
    }

    /// <summary>Triton's simple request over HTTP and gRPC: the sums and differences of the rows.</summary>
    public static async Task AssertGoodRequestsStillAnsweredAsync(TestServer server)
    {
        using var response = await HttpInfer.PostAsync(server.Http, "simple", SimpleRequests.Json(batch: 2, seed: 3));
        var result = await HttpInfer.ReadAsync(response);
        Assert.Equal(HttpStatusCode.OK, result.Status);
        var input0 = SimpleRequests.Input0(2, 3);
        var input1 = SimpleRequests.Input1(2, 3);
        Assert.Equal(SimpleRequests.Sum(input0, input1), result.Int32Data("OUTPUT0"));
        Assert.Equal(SimpleRequests.Difference(input0, input1), result.Int32Data("OUTPUT1"));

        var grpc = await server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed: 5));
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, 5), SimpleRequests.Input1(1, 5)), SimpleRequests.Int32s(grpc.RawOutputContents[0]));
    }
}
