using System.Threading.Channels;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Traffic;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>
/// Puts traffic policies in force: from the traffic API, from <see cref="FileName"/> beside config.pbtxt (at
/// load, and when only that file changed), and by taking a canary out of rotation when its rollback guard trips.
/// Each change publishes the model's entry with a new <see cref="ModelTraffic"/> and disposes the one it replaced.
/// Changes run under the control lock shared with the lifecycle, so a reload never publishes a policy a rollback
/// replaced meanwhile.
/// </summary>
public sealed class TrafficControl : IAsyncDisposable
{
    /// <summary>The traffic policy file beside config.pbtxt.</summary>
    public const string FileName = "traffic.json";

    private readonly ModelCatalog _catalog;
    private readonly ModelRepository _repository;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _controlLock;
    private readonly ILogger _logger;

    // Trips arrive on request threads; one background reader applies them, in order, off the request path.
    private readonly Channel<RollbackTrip> _trips = Channel.CreateUnbounded<RollbackTrip>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _rollbacks;

    internal TrafficControl(ModelCatalog catalog, ModelRepository repository, TimeProvider time, SemaphoreSlim controlLock, ILogger logger)
    {
        _catalog = catalog;
        _repository = repository;
        _time = time;
        _controlLock = controlLock;
        _logger = logger;
        _rollbacks = Task.Run(ApplyTripsAsync);
    }

    /// <summary>
    /// Puts a traffic policy in force for a model (the traffic API): every version it names must be loaded, else
    /// the previous policy stays. <see cref="TrafficPolicy.None"/> removes the policy.
    /// </summary>
    public async Task<InferenceError> SetPolicyAsync(string name, TrafficPolicy policy)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        ModelTraffic? replaced;
        try
        {
            if (!_catalog.Table.Models.TryGetValue(name, out var entry))
            {
                return InferenceError.NotFound($"cannot set the traffic policy of '{name}': the model is not loaded");
            }

            var error = Validate(entry, policy);
            if (error.IsError)
            {
                return error;
            }

            replaced = entry.Traffic;
            _catalog.Publish(name, entry.WithTraffic(Create(name, policy, "api", trippedReason: null)));
        }
        finally
        {
            _controlLock.Release();
        }

        await RetireAsync(replaced).ConfigureAwait(false);
        return InferenceError.None;
    }

    /// <summary>
    /// Whether the model's <see cref="FileName"/> now asks for another set of versions than is loaded: it names a version
    /// on disk that is not loaded, or no longer names one that only it kept (<see cref="TrafficFileVersions"/>). Then the
    /// versions are planned again (unchanged ones keep their instances); otherwise re-reading the policy is enough.
    /// </summary>
    internal bool FileChangesVersions(string name, IReadOnlyList<long> onDisk)
    {
        if (!_catalog.Table.Models.TryGetValue(name, out var entry))
        {
            return false;
        }

        var named = TrafficFileVersions.Read(_repository, name);
        return named.Any(v => onDisk.Contains(v) && entry.Find(v)?.Loaded is null)
            || entry.Versions.Any(v => v.KeptByTraffic && !named.Contains(v.Version));
    }

    /// <summary>Re-reads the model's <see cref="FileName"/> (poll mode, when only that file changed).</summary>
    public async Task ReloadFileAsync(string name)
    {
        await _controlLock.WaitAsync().ConfigureAwait(false);
        ModelTraffic? replaced = null;
        try
        {
            if (_catalog.Table.Models.TryGetValue(name, out var entry))
            {
                var updated = WithFile(entry, entry.Traffic);
                if (!ReferenceEquals(updated.Traffic, entry.Traffic))
                {
                    replaced = entry.Traffic;
                    _catalog.Publish(name, updated);
                }
            }
        }
        finally
        {
            _controlLock.Release();
        }

        await RetireAsync(replaced).ConfigureAwait(false);
    }

    /// <summary>
    /// The entry under the policy of its <see cref="FileName"/> when that exists and is valid for the loaded
    /// versions; a missing file keeps an API policy (a file's policy goes with its file); a bad file is logged and
    /// <paramref name="previous"/> stays. The caller holds the control lock and disposes <paramref name="previous"/>
    /// when the result does not carry it.
    /// </summary>
    internal ModelEntry WithFile(ModelEntry entry, ModelTraffic? previous)
    {
        var path = Path.Combine(_repository.ModelDirectory(entry.Name), FileName);
        if (!File.Exists(path))
        {
            return previous?.Source == "file" ? entry.WithTraffic(null) : entry.WithTraffic(previous);
        }

        string error;
        try
        {
            _repository.EnsureInside(path, $"the traffic file of model '{entry.Name}'");
            if (TrafficPolicyJson.TryParse(File.ReadAllBytes(path), out var policy, out error))
            {
                var invalid = Validate(entry, policy);
                if (!invalid.IsError)
                {
                    return entry.WithTraffic(policy.Equals(previous?.Policy) ? previous : Create(entry.Name, policy, "file", trippedReason: null));
                }

                error = invalid.Message;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ModelLoadException)
        {
            error = ex.Message;
        }

        Log.TrafficFileRejected(_logger, entry.Name, path, error);
        return entry.WithTraffic(previous);
    }

    /// <summary>Stops the shadows of a policy no longer in force.</summary>
    internal static async Task RetireAsync(ModelTraffic? traffic)
    {
        if (traffic is not null)
        {
            await traffic.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static InferenceError Validate(ModelEntry entry, TrafficPolicy policy)
    {
        foreach (var version in policy.Versions)
        {
            if (entry.Find(version)?.Loaded is null)
            {
                return InferenceError.InvalidArgument(
                    $"traffic policy for '{entry.Name}' names version {version}, which is not loaded (loaded: {string.Join(", ", entry.ReadyVersions.Select(v => v.Version))})");
            }
        }

        return InferenceError.None;
    }

    private ModelTraffic? Create(string name, TrafficPolicy policy, string source, string? trippedReason) =>
        policy.Equals(TrafficPolicy.None) ? null : new ModelTraffic(_catalog, name, policy, source, trippedReason, _time, _trips.Writer);

    private async Task ApplyTripsAsync()
    {
        await foreach (var trip in _trips.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Log.Rollback(_logger, trip.Traffic.Model, trip.Decision.Reason ?? "");
            await RollBackAsync(trip).ConfigureAwait(false);
        }
    }

    // The canary's weight goes to 0 under the same policy otherwise; a trip of a policy replaced since changes nothing.
    private async Task RollBackAsync(RollbackTrip trip)
    {
        var traffic = trip.Traffic;
        await _controlLock.WaitAsync().ConfigureAwait(false);
        ModelTraffic? replaced = null;
        try
        {
            if (_catalog.Table.Models.TryGetValue(traffic.Model, out var entry) && ReferenceEquals(entry.Traffic, traffic))
            {
                var canary = traffic.Policy.Rollback!.Canary;
                var weights = traffic.Policy.Weights.Select(w => w.Version == canary ? w with { Weight = 0 } : w);
                if (TrafficPolicy.TryCreate(weights, traffic.Policy.Shadows, traffic.Policy.Rollback, out var rolledBack, out _))
                {
                    replaced = traffic;
                    _catalog.Publish(traffic.Model, entry.WithTraffic(Create(traffic.Model, rolledBack, traffic.Source, trip.Decision.Reason)));
                }
            }
        }
        finally
        {
            _controlLock.Release();
        }

        await RetireAsync(replaced).ConfigureAwait(false);
    }

    /// <summary>Stops taking rollback trips and waits for the one being applied.</summary>
    public async ValueTask DisposeAsync()
    {
        _trips.Writer.TryComplete();
        await _rollbacks.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
