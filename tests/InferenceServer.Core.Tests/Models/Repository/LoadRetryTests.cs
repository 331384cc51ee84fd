using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models.Repository;

/// <summary>Triton's --model-load-retry-count: a version that failed is tried again at once, and the reason counts the attempts.</summary>
public sealed class LoadRetryTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TestModelBackend _backend = new();

    public LoadRetryTests()
    {
        _root.WriteFile("m/config.pbtxt", TestConfigs.BackendConfig("m", ""));
        _root.WriteFile("m/1/model.bin", "weights");
    }

    public void Dispose() => _root.Dispose();

    private ModelVersionEntry Load(int retries)
    {
        var entry = new ModelRepositoryLoader(new ModelRepository(_root.Path), [_backend], TimeProvider.System, loadRetryCount: retries).Load("m");
        return Assert.Single(entry.Versions);
    }

    [Fact]
    public void PassingFailure_WithinTheRetries_Loads()
    {
        _backend.PassingFailures = 2;

        var version = Load(retries: 2);

        Assert.Equal((ModelState.Ready, 0), (version.State, _backend.PassingFailures));
        version.Loaded!.Dispose();
    }

    [Fact]
    public void FailureOutlastingTheRetries_UnavailableSayingHowOftenItFailed()
    {
        _backend.PassingFailures = 3;

        var version = Load(retries: 1);

        Assert.Equal(ModelState.Unavailable, version.State);
        Assert.Equal("the model file is still being written (failed 2 times; --model-load-retry-count 1)", version.Reason);
        Assert.Equal(1, _backend.PassingFailures);
    }

    [Fact]
    public void NoRetries_TriedOnce()
    {
        _backend.PassingFailures = 1;

        var version = Load(retries: 0);

        Assert.Equal(("the model file is still being written", 0), (version.Reason, _backend.PassingFailures));
    }
}
