using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Core.Tests.Models.Repository;

/// <summary>
/// Poll mode against real folders, one <see cref="RepositoryPoller.PollAsync"/> at a time. Invariants:
/// <list type="number">
/// <item>A change applies only on a poll that sees the model folder exactly as the poll before it did; a
/// version still being written (its size or time moving between polls) is never loaded.</item>
/// <item>With a ready marker, a version folder without the marker is not there, however long it sits.</item>
/// <item>New, removed and changed versions and models apply; unchanged versions keep their instance.</item>
/// <item>A version that fails leaves what served serving, with the reason in the index.</item>
/// </list>
/// </summary>
public sealed class RepositoryPollerTests : IAsyncLifetime
{
    private readonly TempDirectory _root = new();
    private readonly TestModelBackend _backend = new();
    private LoadedModels _models = null!;
    private RepositoryPoller _poller = null!;

    public Task InitializeAsync()
    {
        WriteModel("m", "version_policy: { all: {} }", 1);
        Start(readyMarker: "");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _poller.DisposeAsync();
        _models.Dispose();
        _root.Dispose();
    }

    private void Start(string readyMarker)
    {
        var repository = new ModelRepository(_root.Path);
        _models = new LoadedModels(new ModelRepositoryLoader(repository, [_backend], TimeProvider.System), NullLogger<LoadedModels>.Instance);
        _poller = new RepositoryPoller(_models.Lifecycle, _models.Traffic, new RepositoryScanner(repository, readyMarker), TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger<RepositoryPoller>.Instance);
        _poller.LoadAtStartUp();
    }

    private async Task RestartAsync(string readyMarker)
    {
        await _poller.DisposeAsync();
        _models.Dispose();
        Start(readyMarker);
    }

    private void WriteModel(string name, string extraConfig, params int[] versions)
    {
        _root.WriteFile($"{name}/config.pbtxt", TestConfigs.BackendConfig(name, extraConfig));
        foreach (var version in versions)
        {
            WriteVersion(name, version);
        }
    }

    private void WriteVersion(string name, int version, string weights = "weights") =>
        _root.WriteFile($"{name}/{version}/model.bin", weights);

    private long[] ReadyVersions(string name) =>
        _models.Catalog.Table.Models.TryGetValue(name, out var entry) ? entry.ReadyVersions.Select(v => v.Version).ToArray() : [];

    private async Task PollAsync(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            await _poller.PollAsync().WithTimeout();
        }
    }

    [Fact]
    public async Task NewVersion_LoadsOnTheSecondPollThatSeesIt()
    {
        WriteVersion("m", 2);

        await PollAsync();
        Assert.Equal([1L], ReadyVersions("m"));

        await PollAsync();
        Assert.Equal([1L, 2L], ReadyVersions("m"));
    }

    [Fact]
    public async Task VersionWrittenInChunksAcrossPolls_NotLoadedUntilTwoPollsAgree()
    {
        var path = _root.WriteFile("m/2/model.bin", "");
        for (var chunk = 0; chunk < 5; chunk++)
        {
            File.AppendAllText(path, new string('x', 1000));
            await PollAsync();
            Assert.Equal([1L], ReadyVersions("m"));
        }

        await PollAsync();

        Assert.Equal([1L, 2L], ReadyVersions("m"));
    }

    [Fact]
    public async Task ReadyMarker_VersionWithoutIt_NeverLoads_WithIt_Loads()
    {
        await RestartAsync(readyMarker: "READY");
        WriteVersion("m", 2);
        await PollAsync(times: 4);
        Assert.Empty(ReadyVersions("m"));

        _root.WriteFile("m/1/READY", "");
        _root.WriteFile("m/2/READY", "");
        await PollAsync(times: 2);

        Assert.Equal([1L, 2L], ReadyVersions("m"));
    }

    [Fact]
    public async Task UnchangedVersions_KeepTheirInstance_RemovedVersionRetires()
    {
        var first = _models.Catalog.Table.Models["m"].Latest!;
        WriteVersion("m", 2);
        await PollAsync(times: 2);
        Assert.Same(first, _models.Catalog.Table.Models["m"].Find(1)!.Loaded);

        Directory.Delete(Path.Combine(_root.Path, "m", "1"), recursive: true);
        await PollAsync(times: 2);
        await _models.Lifecycle.RetirementsAsync().WithTimeout();

        Assert.Equal([2L], ReadyVersions("m"));
        Assert.True(first.IsRetired);
        Assert.Single(_backend.Runtimes, r => r.IsDisposed);
    }

    [Fact]
    public async Task TrafficFileNamingAnOlderVersion_KeepsItThroughANewOne_IndexSaysWhy_UnnamedItRetires()
    {
        WriteModel("t", "", 1);
        _root.WriteFile("t/traffic.json", """{"weights": {"1": 100}}""");
        await PollAsync(times: 2);
        Assert.Equal([1L], ReadyVersions("t"));
        var first = _models.Catalog.Table.Models["t"].Find(1)!.Loaded;

        // The default policy selects only version 2 now; the file still sends everything to version 1.
        WriteVersion("t", 2);
        await PollAsync(times: 2);

        var entry = _models.Catalog.Table.Models["t"];
        Assert.Equal([1L, 2L], ReadyVersions("t"));
        Assert.Same(first, entry.Find(1)!.Loaded);
        Assert.True(entry.Find(1)!.KeptByTraffic);
        Assert.Equal("kept loaded because traffic.json names it; the version policy (latest { num_versions: 1 }, the default) alone would unload it", entry.Find(1)!.Reason);
        Assert.False(entry.Find(2)!.KeptByTraffic);
        Assert.Equal((100, "file"), (entry.Traffic!.Policy.WeightOf(1), entry.Traffic.Source));

        // A file that stops naming version 1 lets the policy have its way; one that names it again brings it back.
        _root.WriteFile("t/traffic.json", """{"weights": {"2": 100}}""");
        await PollAsync(times: 2);
        await _models.Lifecycle.RetirementsAsync().WithTimeout();
        Assert.Equal([2L], ReadyVersions("t"));
        Assert.Equal(100, _models.Catalog.Table.Models["t"].Traffic!.Policy.WeightOf(2));

        _root.WriteFile("t/traffic.json", """{"weights": {"1": 10, "2": 90}}""");
        await PollAsync(times: 2);
        Assert.Equal([1L, 2L], ReadyVersions("t"));
        Assert.Equal(10, _models.Catalog.Table.Models["t"].Traffic!.Policy.WeightOf(1));
    }

    [Fact]
    public async Task TrafficFileChange_WithinLoadedVersions_KeepsEveryInstance()
    {
        WriteModel("t", "version_policy: { all: {} }", 1, 2);
        await PollAsync(times: 2);
        var loaded = _models.Catalog.Table.Models["t"].ReadyVersions.ToArray();

        _root.WriteFile("t/traffic.json", """{"weights": {"1": 30, "2": 70}}""");
        await PollAsync(times: 2);

        Assert.Equal(loaded, _models.Catalog.Table.Models["t"].ReadyVersions);
        Assert.Equal(70, _models.Catalog.Table.Models["t"].Traffic!.Policy.WeightOf(2));
    }

    [Fact]
    public async Task ChangedConfig_ReloadsEveryVersion()
    {
        var first = _models.Catalog.Table.Models["m"].Latest!;

        _root.WriteFile("m/config.pbtxt", TestConfigs.BackendConfig("m", "version_policy: { all: {} }\nmax_batch_size: 4"));
        await PollAsync(times: 2);

        var reloaded = _models.Catalog.Table.Models["m"].Latest!;
        Assert.NotSame(first, reloaded);
        Assert.Equal(4, reloaded.Config.MaxBatchSize);
    }

    [Fact]
    public async Task NewAndRemovedModelFolders_LoadAndLeaveTheTable()
    {
        WriteModel("n", "", 1);
        await PollAsync(times: 2);
        Assert.Equal([1L], ReadyVersions("n"));

        Directory.Delete(Path.Combine(_root.Path, "n"), recursive: true);
        await PollAsync();
        Assert.Equal([1L], ReadyVersions("n"));
        await PollAsync();

        Assert.False(_models.Catalog.Table.Models.ContainsKey("n"));
        Assert.DoesNotContain(_models.Catalog.Index(readyOnly: false), r => r.Name == "n" && r.State == ModelState.Ready);
    }

    [Fact]
    public async Task FailingNewVersion_OldKeepsServing_IndexShowsWhy_RetriedOnlyWhenFilesChange()
    {
        await RestartWithLatestPolicyAsync();
        WriteVersion("m", 2);
        _root.WriteFile($"m/2/{TestModelBackend.FailMarker}", "tensor shapes do not match");

        await PollAsync(times: 2);

        Assert.Equal([1L], ReadyVersions("m"));
        var row = Assert.Single(_models.Catalog.Index(readyOnly: false), r => r.Name == "m");
        Assert.Equal(ModelState.Ready, row.State);
        Assert.Contains("tensor shapes do not match", row.Reason, StringComparison.Ordinal);
        var loads = _backend.Runtimes.Count;

        await PollAsync(times: 2);
        Assert.Equal(loads, _backend.Runtimes.Count);

        File.Delete(Path.Combine(_root.Path, "m", "2", TestModelBackend.FailMarker));
        await PollAsync(times: 2);
        Assert.Equal([2L], ReadyVersions("m"));
    }

    [Fact]
    public async Task BrokenConfig_OldKeepsServing_IndexShowsTheParseError()
    {
        _root.WriteFile("m/config.pbtxt", "name: \"m\"\nmax_batch_size: [");

        await PollAsync(times: 2);

        Assert.Equal([1L], ReadyVersions("m"));
        var row = Assert.Single(_models.Catalog.Index(readyOnly: false), r => r.Name == "m");
        Assert.Contains("config.pbtxt", row.Reason, StringComparison.Ordinal);
        Assert.True(_models.Catalog.Table.AllReady);
    }

    private async Task RestartWithLatestPolicyAsync()
    {
        _root.WriteFile("m/config.pbtxt", TestConfigs.BackendConfig("m", ""));
        await RestartAsync(readyMarker: "");
    }
}
