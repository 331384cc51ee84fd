using Grpc.Core;
using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols.Tests;

public class ErrorStatusTests
{
    [Theory]
    [InlineData(InferenceErrorCode.InvalidArgument, 400, StatusCode.InvalidArgument)]
    [InlineData(InferenceErrorCode.NotFound, 404, StatusCode.NotFound)]
    [InlineData(InferenceErrorCode.Unavailable, 503, StatusCode.Unavailable)]
    [InlineData(InferenceErrorCode.Unsupported, 501, StatusCode.Unimplemented)]
    [InlineData(InferenceErrorCode.Internal, 500, StatusCode.Internal)]
    [InlineData(InferenceErrorCode.PayloadTooLarge, 413, StatusCode.ResourceExhausted)]
    [InlineData(InferenceErrorCode.Cancelled, 400, StatusCode.Cancelled)]
    public void ToHttpAndToGrpc_EachCode_MapsLikeTriton(InferenceErrorCode code, int http, StatusCode grpc)
    {
        Assert.Equal(http, ErrorStatus.ToHttp(code));
        Assert.Equal(grpc, ErrorStatus.ToGrpc(code));
    }
}
