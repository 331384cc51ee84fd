using System.Collections.Frozen;
using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// Request tracing (Triton's trace extension): the settings, server-wide and per model, the sampling decision for each
/// request, and the writing of finished traces (Triton's JSON file). The pipeline asks <see cref="Enabled"/> — one
/// volatile read — and only then <see cref="TryStart"/>; an untraced request pays nothing more. Traces are written from
/// the after-steps, never on the answer path: to the trace file (Triton mode) or as spans (OpenTelemetry mode,
/// <see cref="OpenTelemetrySpans"/>).
/// </summary>
public sealed partial class RequestTracer : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TritonTraceFile> _files = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly OpenTelemetrySpans _spans = new();
    private volatile TraceState _state;
    private long _lastId;

    /// <param name="settings">The server's settings from the command line (checked by <see cref="TraceSettingsEditor.Check"/>).</param>
    /// <param name="files">Where the trace API may put a trace file.</param>
    public RequestTracer(TraceSettings settings, TraceFilePolicy files, ILogger<RequestTracer>? logger = null)
    {
        Files = files;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _state = new TraceState(new TraceScope(settings), FrozenDictionary<string, TraceSettingOverrides>.Empty, FrozenDictionary<string, TraceScope>.Empty);
    }

    /// <summary>The activity source OpenTelemetry mode's spans come from (the host's SDK listens to it).</summary>
    public const string ActivitySourceName = OpenTelemetrySpans.SourceName;

    /// <summary>A tracer that never traces (embedding programs and tests that do not trace).</summary>
    public static RequestTracer Off() => new(TraceSettings.Default, new TraceFilePolicy(""));

    public TraceFilePolicy Files { get; }

    /// <summary>Whether any scope traces; false means no request is looked at.</summary>
    public bool Enabled => _state.Enabled;

    public TraceMode Mode => _state.Global.Settings.Mode;

    /// <summary>The settings in force for <paramref name="model"/> (null: the server's), with the traces that remain.</summary>
    public TraceSettings Read(string? model)
    {
        var state = _state;
        return (model is null ? state.Global : state.ScopeOf(model)).Current;
    }

    /// <summary>Applies a change from the trace API, all of it or none; returns the error naming the setting, or null.</summary>
    public string? TryApply(string? model, IReadOnlyList<TraceSettingChange> changes)
    {
        List<TritonTraceFile> unused;
        lock (_gate)
        {
            var state = _state;
            var global = state.Global.Current;
            var overrides = new Dictionary<string, TraceSettingOverrides>(state.Overrides, StringComparer.Ordinal);
            if (model is null)
            {
                if (TraceSettingsEditor.TryApplyGlobal(global, changes, Files, out global) is { } error)
                {
                    return error;
                }
            }
            else
            {
                var current = overrides.GetValueOrDefault(model, TraceSettingOverrides.None);
                if (TraceSettingsEditor.TryApplyModel(current, global, changes, Files, out var next) is { } error)
                {
                    return error;
                }

                // A model with no settings of its own left follows the server's again (Triton: a change with nothing in it).
                if (next.IsEmpty || changes.Count == 0)
                {
                    overrides.Remove(model);
                }
                else
                {
                    overrides[model] = next;
                }
            }

            // Every scope starts counting again, with the traces it had left (as a read shows them); a model that follows
            // the server's count takes a new one when the server's is set.
            var globalCountSet = model is null && changes.Any(change => change.Name == TraceSettingNames.Count);
            var scopes = overrides.ToFrozenDictionary(
                pair => pair.Key,
                pair => new TraceScope(pair.Value.Over(global) with
                {
                    Count = pair.Value.Count ?? (globalCountSet ? global.Count : RemainingOf(state, pair.Key, global)),
                }),
                StringComparer.Ordinal);
            _state = new TraceState(new TraceScope(global), overrides.ToFrozenDictionary(StringComparer.Ordinal), scopes);
            unused = TakeUnusedFiles();
        }

        FlushAll(unused);
        return null;
    }

    /// <summary>
    /// Decides whether to trace this request of <paramref name="model"/> (call only when <see cref="Enabled"/>); null when
    /// not. The scope of the model counts the request.
    /// </summary>
    /// <remarks>
    /// In OpenTelemetry mode a request that carries a caller's trace context is sampled as the caller decided
    /// (parent-based: its sampled flag, within the scope's count) and joins the caller's trace; the others by rate.
    /// </remarks>
    public RequestTrace? TryStart(ModelVersion model, in RequestHead head)
    {
        var scope = _state.ScopeOf(model.Name);
        if (!scope.Settings.CanTrace)
        {
            return null;
        }

        ActivityContext parent = default;
        if (head.TraceParent is { } traceParent && scope.Settings.Mode == TraceMode.OpenTelemetry
            && ActivityContext.TryParse(traceParent, head.TraceState, isRemote: true, out parent))
        {
            if ((parent.TraceFlags & ActivityTraceFlags.Recorded) == 0 || !scope.TryTakeOne())
            {
                return null;
            }
        }
        else if (!scope.TrySample())
        {
            return null;
        }

        return new RequestTrace(Interlocked.Increment(ref _lastId), scope.Settings, model.Name, model.Version, head.Protocol, head.ReceivedTimestamp,
            Stopwatch.GetTimestamp())
        {
            Parent = parent,
        };
    }

    /// <summary>Whether front ends should read the caller's trace context (OpenTelemetry mode, tracing on).</summary>
    public bool ReadsTraceContext
    {
        get
        {
            var state = _state;
            return state.Enabled && state.Global.Settings.Mode == TraceMode.OpenTelemetry;
        }
    }

    /// <summary>Writes a finished trace (from the request's after-steps: its inputs and outputs are still there).</summary>
    internal void Complete(RequestTrace trace, InferenceRequest request, RequestOutcome outcome)
    {
        var settings = trace.Settings;
        if (settings.Mode == TraceMode.OpenTelemetry)
        {
            _spans.Write(trace, request, outcome);
            return;
        }

        if (settings.File.Length == 0)
        {
            return;
        }

        TritonTraceFile file;
        lock (_gate)
        {
            if (!_files.TryGetValue(settings.File, out file!))
            {
                _files[settings.File] = file = new TritonTraceFile(settings.File);
            }
        }

        try
        {
            file.Add(trace, request, settings.LogFrequency);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(file.Path, ex.Message);
        }
    }

    /// <summary>Writes every trace collected and not yet written (shutdown).</summary>
    public void Flush()
    {
        List<TritonTraceFile> files;
        lock (_gate)
        {
            files = [.. _files.Values];
        }

        FlushAll(files);
    }

    public void Dispose() => Flush();

    private static long RemainingOf(TraceState state, string model, TraceSettings global) =>
        state.Models.TryGetValue(model, out var scope) ? scope.Current.Count : global.Count;

    // Under the lock: files no scope writes to any more are written out now and forgotten (Triton starts the next file
    // name's index at 0).
    private List<TritonTraceFile> TakeUnusedFiles()
    {
        var state = _state;
        var unused = _files.Values.Where(file => state.Global.Settings.File != file.Path && !state.Models.Values.Any(s => s.Settings.File == file.Path)).ToList();
        foreach (var file in unused)
        {
            _files.Remove(file.Path);
        }

        return unused;
    }

    private void FlushAll(List<TritonTraceFile> files)
    {
        foreach (var file in files)
        {
            try
            {
                file.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogWriteFailed(file.Path, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.TraceWriteFailed, Level = LogLevel.Warning, Message = "Cannot write trace file {Path}: {Reason}")]
    private partial void LogWriteFailed(string path, string reason);
}
