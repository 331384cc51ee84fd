using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Capture;

/// <summary>
/// Records a sample of one model's live requests — inputs only: names, datatypes, shapes, raw bytes — to a file
/// <c>inference-load --replay</c> sends again, to another server or version, at the recorded pace or faster.
/// An <see cref="IAnsweredRequestHook"/>, so every protocol is captured alike and the copy is made after the answer
/// left, outside the caller's latency. The request thread only copies the inputs and offers them to a bounded queue;
/// one writer task encodes and writes them. A full queue drops the sample (counted in <see cref="Dropped"/>) rather than
/// hold up a request, and capture stops for good at the first request that would take the file past its byte budget.
/// Requests refused as malformed (client errors) are not recorded: a replay would only be refused again.
/// </summary>
public sealed partial class RequestCapture : IAnsweredRequestHook, IAsyncDisposable, IDisposable
{
    private const int QueueCapacity = 1024;

    // Per input, the JSON around the data (name, datatype, shape, keys) is well under this; used to stop copying early.
    private const int RecordOverheadEstimate = 256;

    private readonly RequestCaptureSettings _settings;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly Channel<CapturedRequest> _queue = Channel.CreateBounded<CapturedRequest>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly FileStream _file;
    private readonly Task _writer;
    private long _origin;
    private long _reservedBytes;
    private long _writtenBytes;
    private long _captured;
    private long _dropped;
    private volatile bool _stopped;
    private int _disposed;

    /// <param name="random">Decides which requests are sampled; tests pass a seeded one.</param>
    public RequestCapture(RequestCaptureSettings settings, ILogger<RequestCapture> logger, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _logger = logger;
        _random = random ?? Random.Shared;
        _file = new FileStream(settings.FilePath, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 64 << 10);
        var header = new ArrayBufferWriter<byte>();
        CaptureFileFormat.WriteHeader(header, settings, DateTimeOffset.UtcNow);
        _file.Write(header.WrittenSpan);
        _file.Flush();
        _writtenBytes = _reservedBytes = header.WrittenCount;
        _writer = Task.Run(WriteAsync);
        LogStarted(settings.Model, settings.FilePath, settings.ByteBudget, settings.SampleRate);
    }

    /// <summary>Requests written to the file so far.</summary>
    public long Captured => Interlocked.Read(ref _captured);

    /// <summary>Sampled requests not written because the writer was behind (the queue was full).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void OnAnswered(ModelVersion version, InferenceRequest request, RequestOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(request);
        if (_stopped || outcome == RequestOutcome.ClientError || !string.Equals(version.Name, _settings.Model, StringComparison.Ordinal)
            || (_settings.SampleRate < 1 && _random.NextDouble() >= _settings.SampleRate))
        {
            return;
        }

        var inputs = request.Inputs;
        long estimate = RecordOverheadEstimate;
        foreach (var input in inputs)
        {
            estimate += RecordOverheadEstimate + ((input.Data.Length + 2) / 3 * 4);
        }

        if (Interlocked.Add(ref _reservedBytes, estimate) > _settings.ByteBudget)
        {
            Stop();
            return;
        }

        var arrived = request.ReceivedTimestamp != 0 ? request.ReceivedTimestamp : Stopwatch.GetTimestamp();
        var origin = Interlocked.CompareExchange(ref _origin, arrived, 0);
        origin = origin == 0 ? arrived : origin;
        var captured = new List<CapturedInput>(inputs.Length);
        foreach (var input in inputs)
        {
            if (_settings.DroppedInputs.Contains(input.Name))
            {
                continue;
            }

            var span = input.Data.Span;
            var shape = input.Shape.Dimensions.ToArray();
            var dataType = input.DataType.ToProtocolString();
            captured.Add(_settings.HashedInputs.Contains(input.Name)
                ? new CapturedInput(input.Name, dataType, shape, null, Convert.ToHexStringLower(SHA256.HashData(span)), span.Length)
                : new CapturedInput(input.Name, dataType, shape, span.ToArray(), null, span.Length));
        }

        var record = new CapturedRequest(
            Math.Max(0, (long)((arrived - origin) * (1_000_000.0 / Stopwatch.Frequency))), version.Name, version.VersionString, [.. captured]);
        if (!_queue.Writer.TryWrite(record))
        {
            Interlocked.Increment(ref _dropped);
            Interlocked.Add(ref _reservedBytes, -estimate);
        }
    }

    /// <summary>Writes what is queued, then closes the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopped = true;
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
        var (captured, dropped, written) = (_captured, _dropped, _writtenBytes);
        LogFinished(_settings.FilePath, captured, dropped, written);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteAsync()
    {
        var buffer = new ArrayBufferWriter<byte>(64 << 10);
        try
        {
            await foreach (var record in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                buffer.ResetWrittenCount();
                CaptureFileFormat.WriteRecord(buffer, record);
                if (_writtenBytes + buffer.WrittenCount > _settings.ByteBudget)
                {
                    Stop();
                    continue;
                }

                await _file.WriteAsync(buffer.WrittenMemory).ConfigureAwait(false);
                Interlocked.Add(ref _writtenBytes, buffer.WrittenCount);
                Interlocked.Increment(ref _captured);

                // A quiet moment: flush, so the file is readable while the server runs.
                if (!_queue.Reader.TryPeek(out _))
                {
                    await _file.FlushAsync().ConfigureAwait(false);
                }
            }

            await _file.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            _stopped = true;
            LogWriteFailed(_settings.FilePath, e.Message);
        }
    }

    private void Stop()
    {
        if (!_stopped)
        {
            _stopped = true;
            LogBudgetReached(_settings.FilePath, _settings.ByteBudget);
        }
    }

    [LoggerMessage(EventId = EventIds.CaptureStarted, Level = LogLevel.Information, Message = "Capturing requests of model {Model} to {Path} (at most {ByteBudget} bytes, sample rate {SampleRate})")]
    private partial void LogStarted(string model, string path, long byteBudget, double sampleRate);

    [LoggerMessage(EventId = EventIds.CaptureBudgetReached, Level = LogLevel.Warning, Message = "Request capture {Path} reached its budget of {ByteBudget} bytes; capture stopped")]
    private partial void LogBudgetReached(string path, long byteBudget);

    [LoggerMessage(EventId = EventIds.CaptureWriteFailed, Level = LogLevel.Error, Message = "Cannot write request capture {Path}: {Reason}; capture stopped")]
    private partial void LogWriteFailed(string path, string reason);

    [LoggerMessage(EventId = EventIds.CaptureFinished, Level = LogLevel.Information, Message = "Request capture {Path} closed: {Captured} requests, {Dropped} dropped while the writer was behind, {Bytes} bytes")]
    private partial void LogFinished(string path, long captured, long dropped, long bytes);
}
