using System.Net;
using System.Text;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Http;

/// <summary>
/// <c>--http-max-input-size</c>: a body above the limit gets 413 and a message naming the limit, whether
/// its size is declared, streamed in chunks, or only reached after decompression.
/// </summary>
public sealed class BodyLimitTests : IClassFixture<BodyLimitTests.Fixture>
{
    private const int Limit = 1024;

    private readonly TestServer _server;

    public BodyLimitTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    [Fact]
    public async Task Infer_BodyWithinLimit_Succeeds()
    {
        var header = SimpleBinaryHeader();
        using var content = HttpInfer.Binary(header, new byte[64], new byte[64]);
        Assert.True(content.Headers.ContentLength <= Limit);

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Infer_DeclaredBodyAboveLimit_Returns413NamingTheLimit()
    {
        using var content = HttpInfer.Json(OversizedBody());
        Assert.True(content.Headers.ContentLength > Limit);

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        var message = await HttpInfer.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("1024", message, StringComparison.Ordinal);
        Assert.Contains("--http-max-input-size", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_DeclaredBodyFarAboveLimit_Returns413WithoutReadingIt()
    {
        var header = SimpleBinaryHeader();
        using var content = HttpInfer.Binary(header, new byte[64], new byte[64], new byte[8 << 20]);

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Infer_ChunkedBodyAboveLimit_Returns413()
    {
        var bytes = Encoding.UTF8.GetBytes(OversizedBody().ToJsonString());
        using var content = new StreamContent(new UnknownLengthStream(bytes));

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Infer_GzipBodyAboveLimitOnceDecompressed_Returns413()
    {
        // Zeros compress to far below the limit; decompressed they are far above it.
        var header = SimpleBinaryHeader();
        var (body, _) = HttpInfer.BinaryBody(header, new byte[64], new byte[64 + 100_000]);
        using var content = new ByteArrayContent(HttpInfer.Compress(body, "gzip"));
        content.Headers.ContentEncoding.Add("gzip");
        Assert.True(content.Headers.ContentLength < Limit);

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Infer_AfterRejectedBody_ServerStillAnswers()
    {
        using (var big = HttpInfer.Json(OversizedBody()))
        {
            using var rejected = await HttpInfer.PostAsync(_server.Http, "simple", big);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, rejected.StatusCode);
        }

        using var content = HttpInfer.Binary(SimpleBinaryHeader(), new byte[64], new byte[64]);
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A valid request for <c>simple</c>, made larger than the limit by a long id.</summary>
    private static System.Text.Json.Nodes.JsonObject OversizedBody() => SimpleRequests.JsonBody(batch: 1, id: new string('x', 2 * Limit));

    private static System.Text.Json.Nodes.JsonObject SimpleBinaryHeader() => new()
    {
        ["inputs"] = new System.Text.Json.Nodes.JsonArray(
            HttpInfer.BinaryInput("INPUT0", "INT32", [1, 16], 64),
            HttpInfer.BinaryInput("INPUT1", "INT32", [1, 16], 64)),
    };

    /// <summary>A server over <c>simple</c> only, with <c>--http-max-input-size=1024</c>.</summary>
    public sealed class Fixture : TestServerFixture
    {
        private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteSimple, o => o.HttpMaxInputSize = Limit);
    }
}
