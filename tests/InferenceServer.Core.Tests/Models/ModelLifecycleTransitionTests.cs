using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Core.Tests.Models;

/// <summary>
/// What the index and requests see while a swap is in motion. Invariants: while a new version loads, the
/// old one serves and the index shows the new one LOADING; after the swap, a retired version that still
/// holds a request shows UNLOADING until that request finishes, then leaves the index.
/// </summary>
public sealed class ModelLifecycleTransitionTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TestModelBackend _backend = new();
    private readonly LoadedModels _models;

    public ModelLifecycleTransitionTests()
    {
        _root.WriteFile("m/config.pbtxt", TestConfigs.BackendConfig("m", ""));
        _root.CreateDirectory("m", "1");
        _models = new LoadedModels(new ModelRepositoryLoader(new ModelRepository(_root.Path), [_backend], TimeProvider.System), NullLogger<LoadedModels>.Instance);
        _models.Lifecycle.LoadAll();
    }

    public void Dispose()
    {
        _backend.Gate?.Set();
        _models.Dispose();
        _root.Dispose();
    }

    private (long? Version, ModelState? State)[] Rows() =>
        _models.Catalog.Index(readyOnly: false).Where(r => r.Name == "m").Select(r => (r.Version, r.State)).ToArray();

    [Fact]
    public async Task LoadInProgress_OldVersionServes_IndexShowsNewVersionLoading()
    {
        _root.CreateDirectory("m", "2");
        using var gate = new ManualResetEventSlim();
        _backend.Gate = gate;

        var load = _models.Lifecycle.LoadAsync("m");
        Assert.True(await _backend.LoadStarted.WaitAsync(TestTimeouts.Default));

        Assert.Equal([(1L, ModelState.Ready), (2L, ModelState.Loading)], Rows());
        Assert.False(_models.Catalog.TryResolve("m", "", out var serving).IsError);
        Assert.Equal(1, serving!.Version);
        Assert.True(_models.Catalog.Table.AllReady);

        gate.Set();
        Assert.False((await load.WithTimeout()).IsError);
        await _models.Lifecycle.RetirementsAsync().WithTimeout();
        Assert.Equal([(2L, ModelState.Ready)], Rows());
    }

    [Fact]
    public async Task RetiredVersionHoldingARequest_ShowsUnloading_UntilReleased()
    {
        Assert.False(_models.Catalog.TryAcquire("m", "", [], out var held, out _).IsError);
        _root.CreateDirectory("m", "2");

        Assert.False((await _models.Lifecycle.LoadAsync("m").WithTimeout()).IsError);

        var unloading = Assert.Single(_models.Catalog.Index(readyOnly: false), r => r.Version == 1);
        Assert.Equal(ModelState.Unloading, unloading.State);
        Assert.Contains("1 request in flight", unloading.Reason, StringComparison.Ordinal);
        Assert.Equal([(2L, ModelState.Ready)], _models.Catalog.Index(readyOnly: true).Select(r => (r.Version, r.State)).ToArray());

        held!.Release();
        await _models.Lifecycle.RetirementsAsync().WithTimeout();

        Assert.Equal([(2L, ModelState.Ready)], Rows());
    }

    [Fact]
    public async Task Unload_HeldRequest_ShowsUnloading_ThenUnavailable()
    {
        Assert.False(_models.Catalog.TryAcquire("m", "", [], out var held, out _).IsError);

        Assert.False((await _models.Lifecycle.UnloadAsync("m").WithTimeout()).IsError);
        Assert.Equal([(1L, ModelState.Unloading)], Rows());

        held!.Release();
        await _models.Lifecycle.RetirementsAsync().WithTimeout();

        var row = Assert.Single(_models.Catalog.Index(readyOnly: false), r => r.Name == "m");
        Assert.Equal(ModelState.Unavailable, row.State);
        Assert.Equal("unloaded", row.Reason);
    }
}
