using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;

namespace InferenceServer.Core.Tests.Models;

public sealed class ModelCatalogTests : IDisposable
{
    private readonly TempDirectory _root = new();
    private readonly TestModelBackend _backend = new();
    private readonly RecordingLogger<LoadedModels> _logger = new();
    private readonly LoadedModels _models;

    public ModelCatalogTests()
    {
        // ready:       versions 1, 2, 3 (policy all), all load.
        // partly:      versions 1, 2 (policy all), 2 fails to load.
        // broken:      version 1 fails to load.
        // latest_only: versions 1, 2 on disk, default policy serves only 2.
        // specific:    policy lists 1 and 5; only 1 is on disk.
        // bad_config:  config.pbtxt does not parse.
        // no_version:  a config but no version folder.
        WriteModel("ready", "version_policy: { all: {} }", 1, 2, 3);
        WriteModel("partly", "version_policy: { all: {} }", 1, 2);
        _root.WriteFile($"partly/2/{TestModelBackend.FailMarker}", "weights for version 2 are missing");
        WriteModel("broken", "", 1);
        _root.WriteFile($"broken/1/{TestModelBackend.FailMarker}", "the model file is corrupt");
        WriteModel("latest_only", "", 1, 2);
        WriteModel("specific", "version_policy: { specific: { versions: [1, 5] } }", 1);
        _root.WriteFile("bad_config/config.pbtxt", "name: \"bad_config\"\nmax_batch_size: [");
        _root.CreateDirectory("bad_config", "1");
        WriteModel("no_version", "");

        var loader = new ModelRepositoryLoader(new ModelRepository(_root.Path), [_backend], TimeProvider.System);
        _models = new LoadedModels(loader, _logger);
        _models.Lifecycle.LoadAll();
    }

    public void Dispose()
    {
        _models.Dispose();
        _root.Dispose();
    }

    private void WriteModel(string name, string extraConfig, params int[] versions)
    {
        _root.WriteFile($"{name}/config.pbtxt", $$"""
            name: "{{name}}"
            backend: "test"
            input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 4 ] } ]
            output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 4 ] } ]
            {{extraConfig}}
            """);
        foreach (var version in versions)
        {
            _root.CreateDirectory(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private InferenceError Resolve(string name, string version, out ModelVersion? resolved) => _models.Catalog.TryResolve(name, version, out resolved);

    [Fact]
    public void TryResolve_NoVersion_GetsHighestReadyVersion()
    {
        var error = Resolve("ready", "", out var resolved);

        Assert.False(error.IsError, error.Message);
        Assert.NotNull(resolved);
        Assert.Equal("ready", resolved.Name);
        Assert.Equal(3, resolved.Version);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("2", 2)]
    [InlineData("03", 3)]
    public void TryResolve_ReadyVersion_GetsThatVersion(string version, long expected)
    {
        var error = Resolve("ready", version, out var resolved);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(expected, resolved!.Version);
    }

    [Fact]
    public void TryResolve_NoVersionWhileHighestFailed_GetsHighestReadyVersion()
    {
        var error = Resolve("partly", "", out var resolved);

        Assert.False(error.IsError, error.Message);
        Assert.Equal(1, resolved!.Version);
    }

    [Fact]
    public void TryResolve_UnknownModel_NotFoundNamingModel()
    {
        var error = Resolve("nope", "", out var resolved);

        Assert.Equal(InferenceErrorCode.NotFound, error.Code);
        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Fact]
    public void TryResolve_ModelNamesAreCaseSensitive_NotFound()
    {
        Assert.Equal(InferenceErrorCode.NotFound, Resolve("Ready", "", out _).Code);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("0")]
    public void TryResolve_VersionNotInRepository_NotFoundNamingModelAndVersion(string version)
    {
        var error = Resolve("ready", version, out var resolved);

        Assert.Equal(InferenceErrorCode.NotFound, error.Code);
        Assert.Contains("'ready'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"version {version}", error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Fact]
    public void TryResolve_VersionOnDiskButNotSelectedByPolicy_NotFound()
    {
        Assert.Equal(InferenceErrorCode.NotFound, Resolve("latest_only", "1", out _).Code);
        Assert.False(Resolve("latest_only", "2", out _).IsError);
    }

    [Fact]
    public void TryResolve_VersionThatFailedToLoad_UnavailableWithReason()
    {
        var error = Resolve("partly", "2", out var resolved);

        Assert.Equal(InferenceErrorCode.Unavailable, error.Code);
        Assert.Contains("'partly' version 2 is not at ready state", error.Message, StringComparison.Ordinal);
        Assert.Contains("weights for version 2 are missing", error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Fact]
    public void TryResolve_NoVersionReady_UnavailableWithReason()
    {
        var error = Resolve("broken", "", out var resolved);

        Assert.Equal(InferenceErrorCode.Unavailable, error.Code);
        Assert.Contains("'broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains("the model file is corrupt", error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Fact]
    public void TryResolve_SpecificVersionMissingOnDisk_Unavailable()
    {
        var error = Resolve("specific", "5", out _);

        Assert.Equal(InferenceErrorCode.Unavailable, error.Code);
        Assert.Contains("not in the repository", error.Message, StringComparison.Ordinal);
        Assert.False(Resolve("specific", "1", out _).IsError);
    }

    [Theory]
    [InlineData("bad_config", "config.pbtxt")]
    [InlineData("no_version", "no version folder")]
    public void TryResolve_ModelThatFailedAsAWhole_UnavailableWithReason(string name, string reason)
    {
        var error = Resolve(name, "", out var resolved);

        Assert.Equal(InferenceErrorCode.Unavailable, error.Code);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("1.0")]
    [InlineData(" 1")]
    [InlineData("99999999999999999999")]
    public void TryResolve_MalformedVersion_InvalidArgumentNamingVersion(string version)
    {
        var error = Resolve("ready", version, out var resolved);

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"'{version}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ready'", error.Message, StringComparison.Ordinal);
        Assert.Null(resolved);
    }

    [Fact]
    public void LoadAll_FailedModelsAndVersions_LoggedAsErrorsWithReasons()
    {
        var errors = _logger.Errors.ToArray();

        Assert.Contains(errors, m => m.Contains("'partly' version 2", StringComparison.Ordinal) && m.Contains("weights for version 2 are missing", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'broken' version 1", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'specific' version 5", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'bad_config'", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'no_version'", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, m => m.Contains("'ready'", StringComparison.Ordinal) || m.Contains("'latest_only'", StringComparison.Ordinal));
        Assert.Equal(5, errors.Length);
        Assert.False(_models.Catalog.Table.AllReady);
    }

    [Fact]
    public void Dispose_Manager_DisposesReadyVersionsAndEmptiesTable()
    {
        Assert.Equal(3 + 1 + 1 + 1, _backend.Runtimes.Count);

        _models.Dispose();

        Assert.All(_backend.Runtimes, r => Assert.True(r.IsDisposed));
        Assert.Equal(InferenceErrorCode.NotFound, Resolve("ready", "", out _).Code);
    }
}
