using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using InferenceServer.Core.Threading;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// Mirrors a share of one model's successful requests to a shadow version and compares the answers. The copy
/// waits in a bounded queue of its own and runs on one background worker, so shadow traffic never queues ahead of
/// real traffic: when the queue is full the mirror is dropped and counted. Shadow results never reach the caller,
/// and shadow failures are only counted. The worker keeps to a CPU budget (<see cref="BusyShare"/> of one core):
/// after each shadow run it rests in proportion, so a slow shadow takes fewer mirrors instead of taking CPU
/// from real requests.
/// </summary>
public sealed class ShadowMirror : IAsyncDisposable
{
    private readonly ILoadedVersions _versions;
    private readonly string _model;
    private readonly Channel<ShadowJob> _queue;
    private readonly Task _worker;
    private readonly ConcurrentDictionary<string, OutputDivergence> _divergence = new(StringComparer.Ordinal);
    private readonly WorkInFlight _jobs = new();
    /// <summary>Share of its time the shadow worker may spend running shadow requests.</summary>
    public const double BusyShare = 0.25;

    private long _mirrored;
    private long _dropped;
    private long _failed;
    private long _completed;

    public ShadowMirror(ILoadedVersions versions, string model, ShadowTarget target)
    {
        _versions = versions;
        _model = model;
        Target = target;
        _queue = Channel.CreateBounded<ShadowJob>(new BoundedChannelOptions(target.QueueSize) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _worker = Task.Run(RunAsync);
    }

    public ShadowTarget Target { get; }

    public long Mirrored => Interlocked.Read(ref _mirrored);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Divergence per output tensor, between the primary's and the shadow's answers.</summary>
    public IReadOnlyDictionary<string, OutputDivergence> Divergence => _divergence;

    /// <summary>Copies a successful primary request for the shadow when the sample says so; never blocks. True when it took a copy.</summary>
    public bool Offer(InferenceRequest request, double uniform)
    {
        if (!Target.Mirrors(uniform))
        {
            return false;
        }

        // A full queue drops before copying anything: a slow shadow costs the request path one counter increment.
        if (_queue.Reader.Count >= Target.QueueSize)
        {
            Interlocked.Increment(ref _dropped);
            return false;
        }

        var job = new ShadowJob(
            [.. request.Inputs.ToArray().Select(i => new ShadowTensor(i.Name, i.DataType, i.Shape, i.Data.ToArray()))],
            [.. request.Outputs.ToArray().Where(o => !o.IsClassification).Select(o => new ShadowTensor(o.Name, o.DataType, o.Shape, o.Data.ToArray()))],
            request.BatchSize);
        // Counted as started before the worker can see it, so the settled signal never fires between the two.
        _jobs.Started();
        if (_queue.Writer.TryWrite(job))
        {
            Interlocked.Increment(ref _mirrored);
            return true;
        }

        _jobs.Finished();
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>Completes once every mirrored request has run on the shadow (completed or failed).</summary>
    public Task SettledAsync() => _jobs.SettledAsync();

    private async Task RunAsync()
    {
        await foreach (var job in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                await RunAsync(job).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A shadow must never take the server down; the failure is counted.
                Interlocked.Increment(ref _failed);
            }
            finally
            {
                _jobs.Finished();
            }

            var busy = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await Task.Delay(busy * ((1 / BusyShare) - 1)).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(ShadowJob job)
    {
        var shadow = Acquire();
        if (shadow is null)
        {
            Interlocked.Increment(ref _failed);
            return;
        }

        var request = new InferenceRequest();
        try
        {
            foreach (var input in job.Inputs)
            {
                InferenceRequest.SetInputData(request.AddInput(input.Name, input.DataType, input.Shape, shadow.Signature.FindInput(input.Name)), input.Data);
            }

            await shadow.InferAsync(request).ConfigureAwait(false);
            if (request.Error.IsError)
            {
                Interlocked.Increment(ref _failed);
                return;
            }

            foreach (var primary in job.PrimaryOutputs)
            {
                foreach (var output in request.Outputs)
                {
                    if (output.Name == primary.Name)
                    {
                        Compare(primary, output, job.Rows);
                    }
                }
            }

            Interlocked.Increment(ref _completed);
        }
        finally
        {
            request.TryReset();
            shadow.Release();
        }
    }

    // The shadow version as loaded now, held for the run; a version retired between the lookup and the hold is
    // looked up again, which finds its successor (or nothing, once it was unloaded).
    private ModelVersion? Acquire()
    {
        while (_versions.Find(_model, Target.Version) is { } shadow)
        {
            if (shadow.TryAcquire())
            {
                return shadow;
            }
        }

        return null;
    }

    private void Compare(ShadowTensor primary, InferenceOutput shadow, long rows)
    {
        var divergence = _divergence.GetOrAdd(primary.Name, static _ => new OutputDivergence());
        var classRows = primary.Shape.Rank == 2 ? (int)rows : 0;
        var a = primary.Data.AsSpan();
        var b = shadow.Data.Span;
        switch (primary.DataType)
        {
            case DataType.Fp32: divergence.Add(MemoryMarshal.Cast<byte, float>(a), MemoryMarshal.Cast<byte, float>(b), classRows); break;
            case DataType.Fp64: divergence.Add(MemoryMarshal.Cast<byte, double>(a), MemoryMarshal.Cast<byte, double>(b), classRows); break;
            case DataType.Fp16: divergence.Add(MemoryMarshal.Cast<byte, Half>(a), MemoryMarshal.Cast<byte, Half>(b), classRows); break;
            case DataType.Int32: divergence.Add(MemoryMarshal.Cast<byte, int>(a), MemoryMarshal.Cast<byte, int>(b), classRows); break;
            case DataType.Int64: divergence.Add(MemoryMarshal.Cast<byte, long>(a), MemoryMarshal.Cast<byte, long>(b), classRows); break;
            case DataType.Int16: divergence.Add(MemoryMarshal.Cast<byte, short>(a), MemoryMarshal.Cast<byte, short>(b), classRows); break;
            case DataType.Int8: divergence.Add(MemoryMarshal.Cast<byte, sbyte>(a), MemoryMarshal.Cast<byte, sbyte>(b), classRows); break;
            case DataType.UInt8 or DataType.Bool: divergence.Add(a, b, classRows); break;
        }
    }

    /// <summary>Stops taking jobs and lets the worker finish the queued ones.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
