using InferenceServer.Core.Logging;
using InferenceServer.Core.Models.Lifecycle;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// Poll mode (<c>--model-control-mode=poll</c>): every interval, scans the repository and applies what changed —
/// new, changed and removed models and versions. A model changes only once its folder (file list, sizes and
/// modification times) is the same in two consecutive polls, so a version still being copied is never loaded;
/// with a ready marker, a version folder counts only once the marker file is in it. Unchanged versions keep
/// their loaded instance; a changed config reloads the whole model. Failed loads are retried only when the
/// files change again.
/// </summary>
public sealed partial class RepositoryPoller : IAsyncDisposable
{
    private readonly ModelLifecycle _lifecycle;
    private readonly TrafficControl _traffic;
    private readonly RepositoryScanner _scanner;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    // The scan of the previous poll (stability check) and the scan each model was last loaded from.
    private IReadOnlyDictionary<string, ModelFolderScan?> _previous = new Dictionary<string, ModelFolderScan?>();
    private readonly Dictionary<string, ModelFolderScan> _applied = new(StringComparer.Ordinal);
    private TaskCompletionSource _nextPoll = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private long _scanFailures;

    public RepositoryPoller(ModelLifecycle lifecycle, TrafficControl traffic, RepositoryScanner scanner, TimeSpan interval, TimeProvider time, ILogger<RepositoryPoller> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _lifecycle = lifecycle;
        _traffic = traffic;
        _scanner = scanner;
        _interval = interval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Polls completed so far.</summary>
    public long PollCount { get; private set; }

    /// <summary>
    /// Loads what the repository holds now (start-up: no stability wait, as Triton; a version caught mid-copy
    /// fails or loads and is reloaded once its files settle).
    /// </summary>
    /// <exception cref="IOException">The repository folder cannot be read.</exception>
    public void LoadAtStartUp()
    {
        var scan = _scanner.Scan();
        _previous = scan;
        _lifecycle.LoadAtStartUp(scan.ToDictionary(
            m => m.Key,
            m => m.Value is null ? ModelLoadOptions.Default : new ModelLoadOptions { VersionsOnDisk = m.Value.VersionNumbers }));
        foreach (var (name, model) in scan)
        {
            if (model is not null)
            {
                _applied[name] = model;
            }
        }
    }

    /// <summary>Starts polling every interval on the server's clock.</summary>
    public void Start() => _loop = RunAsync(_stopping.Token);

    private async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                await PollAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Polls that could not read the repository (it vanished, or a folder could not be listed): nothing changed on them.</summary>
    public long ScanFailures => Interlocked.Read(ref _scanFailures);

    /// <summary>Completes when the next poll to start has finished applying its changes (tests and tools wait on it).</summary>
    public Task NextPollAsync() => Volatile.Read(ref _nextPoll).Task;

    /// <summary>Scans once and applies every model whose folder is stable and differs from what is loaded.</summary>
    public async Task PollAsync()
    {
        await _polling.WaitAsync().ConfigureAwait(false);
        var completing = Interlocked.Exchange(ref _nextPoll, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            IReadOnlyDictionary<string, ModelFolderScan?> scan;
            try
            {
                scan = _scanner.Scan();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Interlocked.Increment(ref _scanFailures);
                LogScanFailed(ex.Message);
                return;
            }

            var names = new SortedSet<string>(scan.Keys, StringComparer.Ordinal);
            names.UnionWith(_applied.Keys);
            foreach (var name in names)
            {
                await ApplyAsync(name, scan, _previous).ConfigureAwait(false);
            }

            _previous = scan;
        }
        finally
        {
            PollCount++;
            _polling.Release();
            completing.TrySetResult();
        }
    }

    private async Task ApplyAsync(string name, IReadOnlyDictionary<string, ModelFolderScan?> scan, IReadOnlyDictionary<string, ModelFolderScan?> previous)
    {
        var present = scan.TryGetValue(name, out var now);
        var wasPresent = previous.TryGetValue(name, out var before);
        _applied.TryGetValue(name, out var applied);
        if (!present && !wasPresent)
        {
            if (applied is not null)
            {
                _applied.Remove(name);
                await _lifecycle.RemoveAsync(name).ConfigureAwait(false);
            }

            return;
        }

        // Still being written (or caught mid-change): wait for a poll that sees it the same twice.
        if (now is null || before is null || !now.SameAs(before) || (applied is not null && now.SameAs(applied)))
        {
            return;
        }

        if (applied is not null && now.OnlyTrafficDiffers(applied) && !_traffic.FileChangesVersions(name, now.VersionNumbers))
        {
            LogApplying(name, "traffic policy changed");
            _applied[name] = now;
            await _traffic.ReloadFileAsync(name).ConfigureAwait(false);
            return;
        }

        var reloadAll = applied is null || !now.SameModelFiles(applied);
        LogApplying(name, applied is null ? "new model" : reloadAll ? "model files changed" : now.OnlyTrafficDiffers(applied) ? "traffic policy names other versions" : "versions changed");
        var options = new ModelLoadOptions
        {
            VersionsOnDisk = now.VersionNumbers,
            UnchangedVersions = reloadAll ? null : now.Versions.Keys.Where(v => now.SameVersion(v, applied!)).ToHashSet(),
        };
        _applied[name] = now;
        var error = await _lifecycle.LoadAsync(name, options).ConfigureAwait(false);
        if (error.IsError)
        {
            LogApplyFailed(name, error.Message);
        }
    }

    /// <summary>Stops polling and waits for a poll in progress to finish; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        _polling.Dispose();
    }

    [LoggerMessage(EventId = EventIds.PollApplying, Level = LogLevel.Information, Message = "Repository poll: loading model '{Model}' ({Change})")]
    private partial void LogApplying(string model, string change);

    [LoggerMessage(EventId = EventIds.PollApplyFailed, Level = LogLevel.Warning, Message = "Repository poll: model '{Model}' did not load; whatever was serving keeps serving: {Reason}")]
    private partial void LogApplyFailed(string model, string reason);

    [LoggerMessage(EventId = EventIds.PollScanFailed, Level = LogLevel.Warning, Message = "Repository poll: cannot read the repository, nothing changes this poll: {Reason}")]
    private partial void LogScanFailed(string reason);
}
