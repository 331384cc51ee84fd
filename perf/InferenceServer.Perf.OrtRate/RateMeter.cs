using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.Perf.OrtRate;

/// <summary>What one batch size measured: runs in the timed window, rows per second, per-run times.</summary>
internal readonly record struct RateResult(int Batch, int Threads, long Runs, double Seconds, double MeanRunMicroseconds, double P50RunMicroseconds, double P99RunMicroseconds)
{
    public double RowsPerSecond => Runs * (double)Batch / Seconds;
}

/// <summary>
/// Runs one session back to back on the calling thread at a fixed batch, the way a model instance
/// thread of the server does: each input is an <see cref="OrtValue"/> over pinned managed memory, the
/// outputs are allocated by ONNX Runtime and disposed after each run. The inputs come from the model's
/// own metadata (FP32 or INT32, first dimension the batch), so it serves the MLP and <c>simple</c> alike.
/// </summary>
internal sealed class RateMeter : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public RateMeter(byte[] model, int intraOpThreads)
    {
        Threads = intraOpThreads;

        // The server's session options (OnnxRuntimeBackend.CreateOptions) with the config's
        // intra_op_thread_count; inter-op threads stay 1 as there.
        using var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        _session = new InferenceSession(model, options);
        _inputNames = [.. _session.InputMetadata.Keys];
        _outputNames = [.. _session.OutputMetadata.Keys];
    }

    public int Threads { get; }

    /// <summary>Runs for <paramref name="warmup"/> untimed, then for <paramref name="duration"/> timed.</summary>
    public RateResult Measure(int batch, TimeSpan warmup, TimeSpan duration)
    {
        var random = new Random(42);
        var inputs = _inputNames.Select(name => CreateInput(_session.InputMetadata[name], batch, random)).ToArray();
        try
        {
            RunFor(inputs, warmup, null);

            var times = new List<long>(capacity: 1 << 16);
            var total = Stopwatch.StartNew();
            RunFor(inputs, duration, times);
            var seconds = total.Elapsed.TotalSeconds;

            times.Sort();
            var ticksToMicroseconds = 1_000_000.0 / Stopwatch.Frequency;
            return new RateResult(
                batch,
                Threads,
                times.Count,
                seconds,
                seconds * 1_000_000.0 / times.Count,
                times[times.Count / 2] * ticksToMicroseconds,
                times[Math.Min(times.Count - 1, (int)(times.Count * 0.99))] * ticksToMicroseconds);
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    // A [batch, ...] tensor of the input's element type over managed memory (pinned by the OrtValue).
    private static OrtValue CreateInput(NodeMetadata metadata, int batch, Random random)
    {
        long[] shape = [batch, .. metadata.Dimensions.Skip(1).Select(d => (long)Math.Max(1, d))];
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        return metadata.ElementDataType switch
        {
            TensorElementType.Float => OrtValue.CreateTensorValueFromMemory(
                Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray(), shape),
            TensorElementType.Int32 => OrtValue.CreateTensorValueFromMemory(
                Enumerable.Range(0, count).Select(_ => random.Next(100)).ToArray(), shape),
            var other => throw new NotSupportedException($"input element type {other}: only FP32 and INT32 inputs are filled"),
        };
    }

    private void RunFor(OrtValue[] inputs, TimeSpan duration, List<long>? times)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long now;
        do
        {
            var start = Stopwatch.GetTimestamp();
            using (var results = _session.Run(_runOptions, _inputNames, inputs, _outputNames))
            {
            }

            now = Stopwatch.GetTimestamp();
            times?.Add(now - start);
        }
        while (now < end || (times is not null && times.Count < 3));
    }

    public void Dispose()
    {
        _runOptions.Dispose();
        _session.Dispose();
    }
}
