using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models;

/// <summary>
/// Owns the published <see cref="ModelTable"/> and resolves requests to model versions.
/// Readers never lock: they read <see cref="Table"/> once per request.
/// </summary>
public sealed partial class ModelManager : IDisposable
{
    private readonly ModelRepositoryLoader _loader;
    private readonly ILogger _logger;
    private readonly Lock _writeLock = new();
    private volatile ModelTable _table = ModelTable.Empty;

    public ModelManager(ModelRepositoryLoader loader, ILogger<ModelManager> logger)
    {
        _loader = loader;
        _logger = logger;
    }

    /// <summary>The current snapshot.</summary>
    public ModelTable Table => _table;

    /// <summary>The repository this manager loads from.</summary>
    public ModelRepository Repository => _loader.Repository;

    /// <summary>Loads every model of the repository (control mode <c>none</c>); failures are recorded, never thrown.</summary>
    public void LoadAll()
    {
        // Models load in parallel: session creation is mostly native work, and start-up time is
        // what an autoscaler waits for.
        var names = _loader.Repository.ListModelNames();
        var entries = new ModelEntry[names.Count];
        Parallel.For(0, names.Count, i => entries[i] = _loader.Load(names[i]));
        foreach (var entry in entries)
        {
            Log(entry);
        }

        lock (_writeLock)
        {
            _table = new ModelTable(entries);
        }
    }

    private void Log(ModelEntry entry)
    {
        if (entry.FailureReason.Length > 0)
        {
            LogModelFailed(entry.Name, entry.FailureReason);
        }

        foreach (var version in entry.Versions)
        {
            if (version.State == ModelState.Ready)
            {
                LogVersionReady(entry.Name, version.Version);
            }
            else
            {
                LogVersionFailed(entry.Name, version.Version, version.Reason);
            }
        }
    }

    /// <summary>
    /// Finds the version a request names. <paramref name="version"/> "" means the highest ready version.
    /// Unknown model or version: NOT_FOUND; known but not ready: UNAVAILABLE; malformed version: INVALID_ARG.
    /// </summary>
    public InferenceError TryResolve(ReadOnlySpan<char> name, ReadOnlySpan<char> version, out ModelVersion? resolved)
    {
        resolved = null;
        if (!_table.Models.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var entry))
        {
            return InferenceError.NotFound($"Request for unknown model: '{name}' is not found");
        }

        if (!VersionString.TryParse(version, out var number))
        {
            return InferenceError.InvalidArgument($"failed to parse model version '{version}' for model '{name}': a version is a non-negative integer");
        }

        if (number < 0)
        {
            resolved = entry.Latest;
            return resolved is not null
                ? InferenceError.None
                : InferenceError.Unavailable($"model '{name}' has no ready version: {entry.UnavailableReason}");
        }

        var versionEntry = entry.Find(number);
        if (versionEntry is null)
        {
            return InferenceError.NotFound($"Request for unknown model: '{name}' version {number} is not found");
        }

        resolved = versionEntry.Loaded;
        return resolved is not null
            ? InferenceError.None
            : InferenceError.Unavailable($"Request for unknown model: '{name}' version {number} is not at ready state: {versionEntry.Reason}");
    }

    public void Dispose()
    {
        ModelTable table;
        lock (_writeLock)
        {
            table = _table;
            _table = ModelTable.Empty;
        }

        foreach (var entry in table.Models.Values)
        {
            foreach (var version in entry.ReadyVersions)
            {
                version.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Model '{Model}' version {Version} is ready")]
    private partial void LogVersionReady(string model, long version);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Model '{Model}' version {Version} failed to load: {Reason}")]
    private partial void LogVersionFailed(string model, long version, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Model '{Model}' failed to load: {Reason}")]
    private partial void LogModelFailed(string model, string reason);
}
