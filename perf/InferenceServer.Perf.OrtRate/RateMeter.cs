using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.Perf.OrtRate;

/// <summary>What one batch size measured: runs in the timed window, rows per second, per-run times.</summary>
internal readonly record struct RateResult(int Batch, int Threads, long Runs, double Seconds, double MeanRunMicroseconds, double P50RunMicroseconds, double P99RunMicroseconds)
{
    public double RowsPerSecond => Runs * (double)Batch / Seconds;
}

/// <summary>
/// Runs one session back to back on the calling thread at a fixed batch, the way a model instance
/// thread of the server does: the input is an <see cref="OrtValue"/> over pinned managed memory, the
/// output is allocated by ONNX Runtime and disposed after each run.
/// </summary>
internal sealed class RateMeter : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames = [MlpModel.InputName];
    private readonly string[] _outputNames = [MlpModel.OutputName];

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
    }

    public int Threads { get; }

    /// <summary>Runs for <paramref name="warmup"/> untimed, then for <paramref name="duration"/> timed.</summary>
    public RateResult Measure(int batch, TimeSpan warmup, TimeSpan duration)
    {
        var data = new float[batch * MlpModel.Inputs];
        var random = new Random(42);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (float)(random.NextDouble() * 2 - 1);
        }

        using var input = OrtValue.CreateTensorValueFromMemory(data, [batch, MlpModel.Inputs]);
        OrtValue[] inputs = [input];

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
