using InferenceServer.Core.Inference;
using InferenceServer.Core.Tensors;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models;

public class ModelVersionTests
{
    [Fact]
    public async Task InferAsync_InvalidRequest_CompletesSynchronouslyWithErrorAndCountsFailure()
    {
        var executed = 0;
        using var model = TestConfigs.Version(TestConfigs.Simple(), new TestModelInstance("simple_0", _ => Interlocked.Increment(ref executed)));
        var request = new InferenceRequest();

        var pending = model.InferAsync(request);

        Assert.True(pending.IsCompletedSuccessfully);
        await pending.WithTimeout();
        Assert.Equal(InferenceErrorCode.InvalidArgument, request.Error.Code);
        Assert.Same(model, request.Version);
        Assert.Equal(1, model.Statistics.Fail.Count);
        Assert.Equal(0, Volatile.Read(ref executed));
    }

    [Fact]
    public async Task InferAsync_ValidRequest_RunsOnAnInstanceAndCountsSuccess()
    {
        long batch = 0;
        using var model = TestConfigs.Version(TestConfigs.Simple(), new TestModelInstance("simple_0", r => batch = r.BatchSize));
        var request = new InferenceRequest();
        InferenceRequest.SetInputData(request.AddInput("INPUT0", DataType.Int32, TensorShape.Create([2, 16]), null), new byte[128]);
        InferenceRequest.SetInputData(request.AddInput("INPUT1", DataType.Int32, TensorShape.Create([2, 16]), null), new byte[128]);

        await model.InferAsync(request).WithTimeout();

        Assert.False(request.Error.IsError, request.Error.Message);
        Assert.Equal(2, batch);
        Assert.Equal(1, model.Statistics.Success.Count);
        Assert.Equal(0, model.PendingRequestCount);
        Assert.Equal("1", model.VersionString);
        Assert.Equal("test", model.Platform);
    }
}
