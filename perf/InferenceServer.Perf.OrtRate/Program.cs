using System.Globalization;
using InferenceServer.ModelBuilder.Samples;
using InferenceServer.Perf.OrtRate;
using Microsoft.ML.OnnxRuntime;

// The model ceiling R of perf/batching/run.sh and limit (a) of perf/compare.sh: ONNX Runtime rows/s
// for the benchmark MLP (or Triton's `simple`) at given batch sizes and intra-op thread count, in
// process, no server. Also writes the model file the scripts put into their repositories, so both
// measure the same bytes.

const string Usage = """
    usage: perf-ort-rate [--model mlp|simple] [--batch N | --batches N,N,...] [--threads T] [--seconds S] [--warmup S] [--batch1]
           perf-ort-rate --write-model PATH
      --model M        mlp: the benchmark MLP 256->1024x2->10 (default); simple: Triton's simple (INT32 [-1,16] x2, add/sub)
      --batch N        rows per run (default 64)
      --batches LIST   several batch sizes, measured in turn (e.g. 1,2,4,8,16,32,64)
      --threads T      ONNX Runtime intra-op threads, as the config's intra_op_thread_count (default 1)
      --seconds S      timed seconds per batch size (default 3)
      --warmup S       untimed seconds before each (default 1)
      --batch1         also measure batch 1, for reference
      --write-model P  write the model's model.onnx to P (folders created) and exit
    Each measurement ends with one line for scripts:
      RESULT batch=64 threads=1 runs=... seconds=... rows_per_s=... mean_run_us=... p50_run_us=... p99_run_us=...
    """;

int batch = 64, threads = 1;
double seconds = 3, warmup = 1;
var batch1 = false;
string? writeModel = null;
var modelName = "mlp";
int[]? batchList = null;
for (var i = 0; i < args.Length; i++)
{
    var flag = args[i];
    var ok = flag switch
    {
        "--batch" => TryInt(args, ref i, out batch) && batch > 0,
        "--threads" => TryInt(args, ref i, out threads) && threads > 0,
        "--seconds" => TryDouble(args, ref i, out seconds) && seconds > 0,
        "--warmup" => TryDouble(args, ref i, out warmup) && warmup >= 0,
        "--batch1" => batch1 = true,
        "--model" => ++i < args.Length && (modelName = args[i]) is "mlp" or "simple",
        "--batches" => ++i < args.Length && TryIntList(args[i], out batchList),
        "--write-model" => (writeModel = ++i < args.Length ? args[i] : null) is not null,
        _ => false,
    };
    if (!ok)
    {
        var help = flag is "-h" or "--help";
        Console.Error.WriteLine(help ? Usage : $"bad or incomplete argument '{flag}'\n{Usage}");
        return help ? 0 : 2;
    }
}

var model = modelName == "simple" ? SampleModels.Simple() : MlpModel.Build();
if (writeModel is not null)
{
    var folder = Path.GetDirectoryName(Path.GetFullPath(writeModel));
    if (folder is not null)
    {
        Directory.CreateDirectory(folder);
    }

    File.WriteAllBytes(writeModel, model);
    Console.WriteLine($"{model.Length,10} {writeModel}");
    return 0;
}

Console.WriteLine($"{(modelName == "simple" ? "simple (INT32 [-1,16] x2 -> add, sub)" : $"mlp {MlpModel.Inputs}->{MlpModel.Hidden}x{MlpModel.HiddenLayers}->{MlpModel.Outputs}")}, ONNX Runtime {OrtEnv.Instance().GetVersionString()}, intra-op threads {threads}, {Environment.ProcessorCount} cores visible");
using var meter = new RateMeter(model, threads);
var batches = batchList ?? (batch1 && batch != 1 ? new[] { batch, 1 } : [batch]);
foreach (var b in batches)
{
    var r = meter.Measure(b, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"batch {r.Batch,3}: {r.RowsPerSecond,12:N0} rows/s, {r.Runs / r.Seconds,10:N1} runs/s, mean run {r.MeanRunMicroseconds / 1000,8:F3} ms (p50 {r.P50RunMicroseconds / 1000:F3}, p99 {r.P99RunMicroseconds / 1000:F3}), {r.Runs} runs in {r.Seconds:F2} s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT batch={r.Batch} threads={r.Threads} runs={r.Runs} seconds={r.Seconds:F3} rows_per_s={r.RowsPerSecond:F1} mean_run_us={r.MeanRunMicroseconds:F1} p50_run_us={r.P50RunMicroseconds:F1} p99_run_us={r.P99RunMicroseconds:F1}"));
}

return 0;

static bool TryInt(string[] args, ref int i, out int value)
{
    value = 0;
    return ++i < args.Length && int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out value);
}

static bool TryIntList(string text, out int[]? values)
{
    var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    values = new int[parts.Length];
    for (var i = 0; i < parts.Length; i++)
    {
        if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
        {
            return false;
        }
    }

    return parts.Length > 0;
}

static bool TryDouble(string[] args, ref int i, out double value)
{
    value = 0;
    return ++i < args.Length && double.TryParse(args[i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
