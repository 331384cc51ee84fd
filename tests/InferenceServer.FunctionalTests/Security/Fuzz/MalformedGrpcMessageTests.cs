using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// Found by the gRPC fuzz test: bytes that are not the request message made grpc-dotnet answer UNKNOWN
/// "Exception was thrown by handler." and log an error per call. Every method now answers INVALID_ARGUMENT
/// naming the message it expected, and the server goes on answering.
/// </summary>
[Collection(FuzzServerCollection.Name)]
public sealed class MalformedGrpcMessageTests(FuzzServerFixture fixture)
{
    // A field-1 length prefix promising 100 bytes, with 2 present; then a tag with wire type 7, which does not exist.
    public static readonly TheoryData<byte[]> NotMessages = new() { new byte[] { 0x0A, 100, 0x01, 0x02 }, new byte[] { 0x0F, 0x00 } };

    [Theory]
    [MemberData(nameof(NotMessages))]
    public async Task ModelInfer_BytesThatAreNotAMessage_InvalidArgumentNamingTheMessage(byte[] bytes)
    {
        var error = await FuzzRequests.ModelInferAsync(fixture.Server.Channel, bytes);

        AssertInvalidArgument(error, nameof(ModelInferRequest));
        await FuzzAnswers.AssertGoodRequestsStillAnsweredAsync(fixture.Server);
    }

    [Theory]
    [MemberData(nameof(NotMessages))]
    public async Task ModelStreamInfer_BytesThatAreNotAMessage_InvalidArgumentNamingTheMessage(byte[] bytes)
    {
        var error = await FuzzRequests.ModelStreamInferAsync(fixture.Server.Channel, bytes);

        AssertInvalidArgument(error, nameof(ModelInferRequest));
    }

    [Theory]
    [MemberData(nameof(NotMessages))]
    public async Task HealthCheck_BytesThatAreNotAMessage_InvalidArgumentNamingTheMessage(byte[] bytes)
    {
        var error = await FuzzRequests.HealthCheckAsync(fixture.Server.Channel, bytes);

        AssertInvalidArgument(error, "HealthCheckRequest");
    }

    [Fact]
    public async Task EveryMethod_StillServedAfterTheStrictBinding()
    {
        var grpc = fixture.Server.Grpc;

        Assert.True((await grpc.ServerLiveAsync()).Live);
        Assert.True((await grpc.ModelReadyAsync("simple")).Ready);
        Assert.Equal("simple", (await grpc.ModelConfigAsync("simple")).Config.Name);
        Assert.Equal(global::Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, (await grpc.HealthCheckAsync()).Status);
        using var stream = grpc.ModelStreamInfer();
        await stream.RequestStream.WriteAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();
        await stream.RequestStream.CompleteAsync().WithTimeout();
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Empty(stream.ResponseStream.Current.ErrorMessage);
    }

    private static void AssertInvalidArgument(RpcException? error, string message)
    {
        Assert.NotNull(error);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains($"not a valid {message} message", error.Status.Detail, StringComparison.Ordinal);
    }
}
