using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Core.Tests.Models.Lifecycle;

/// <summary>
/// A config that asks for what this server does not do (a decoupled model) fails the load with the field named, before
/// any backend sees it: the model is UNAVAILABLE with that reason, the other models serve, and on a reload the
/// version that served keeps serving under its traffic policy.
/// </summary>
public sealed class UnsupportedConfigLoadTests : IDisposable
{
    private const string Decoupled = "model_transaction_policy { decoupled: true }";

    private readonly TempDirectory _root = new();
    private readonly TestModelBackend _backend = new();
    private readonly LoadedModels _models;

    public UnsupportedConfigLoadTests()
    {
        WriteModel("good", "");
        WriteModel("decoupled", Decoupled);
        _models = new LoadedModels(new ModelRepositoryLoader(new ModelRepository(_root.Path), [_backend], TimeProvider.System), NullLogger<LoadedModels>.Instance);
        _models.Lifecycle.LoadAll();
    }

    public void Dispose()
    {
        _models.Dispose();
        _root.Dispose();
    }

    private void WriteModel(string name, string extra)
    {
        _root.WriteFile($"{name}/config.pbtxt", TestConfigs.BackendConfig(name, extra));
        _root.CreateDirectory(name, "1");
    }

    private RepositoryIndexEntry Row(string name) => Assert.Single(_models.Catalog.Index(readyOnly: false), r => r.Name == name);

    [Fact]
    public void LoadAll_Decoupled_UnavailableNamingTheField_OthersServe()
    {
        var row = Row("decoupled");
        Assert.Equal(ModelState.Unavailable, row.State);
        Assert.Contains("model 'decoupled': model_transaction_policy { decoupled: true } is not supported by this server yet", row.Reason, StringComparison.Ordinal);
        Assert.Equal(InferenceErrorCode.Unavailable, _models.Catalog.TryResolve("decoupled", "", out _).Code);
        Assert.DoesNotContain(_backend.Runtimes, r => r.Config.Name == "decoupled");

        Assert.False(_models.Catalog.TryResolve("good", "", out var good).IsError);
        Assert.Equal(1, good!.Version);
    }

    [Fact]
    public async Task Reload_ConfigBecomesDecoupled_FailsNamingTheField_PreviousVersionKeepsServing()
    {
        Assert.False(_models.Catalog.TryResolve("good", "", out var serving).IsError);
        Assert.False((await _models.Traffic.SetPolicyAsync("good", Core.Traffic.TrafficPolicy.Create([new(1, 100)], [], null)).WithTimeout()).IsError);
        var traffic = _models.Catalog.Table.Models["good"].Traffic;
        WriteModel("good", Decoupled);

        var error = await _models.Lifecycle.LoadAsync("good").WithTimeout();

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("model_transaction_policy", error.Message, StringComparison.Ordinal);
        Assert.False(_models.Catalog.TryResolve("good", "", out var after).IsError);
        Assert.Same(serving, after);
        Assert.Same(traffic, _models.Catalog.Table.Models["good"].Traffic);
        var row = Row("good");
        Assert.Equal(ModelState.Ready, row.State);
        Assert.Contains("the previous files keep serving: reload failed: model 'good': model_transaction_policy", row.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadWithOverride_EnsembleSchedulingOnAnOnnxModel_RefusedNamingThePlatform()
    {
        var config = _models.Catalog.Table.Models["good"].Latest!.Config.Clone();
        config.EnsembleScheduling = new global::Inference.ModelEnsembling();

        var error = await _models.Lifecycle.LoadAsync("good", config).WithTimeout();

        Assert.Contains("ensemble_scheduling needs platform: \"ensemble\"", error.Message, StringComparison.Ordinal);
        Assert.False(_models.Catalog.TryResolve("good", "", out _).IsError);
    }
}
