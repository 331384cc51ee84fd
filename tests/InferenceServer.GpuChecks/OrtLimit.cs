using System.Diagnostics;
using System.Globalization;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.GpuChecks;

/// <summary>
/// The limit the server is measured against on a GPU: ONNX Runtime's CUDA provider called in process on the same model,
/// one session, inputs and outputs in host memory preallocated once (so each run copies in and out as a served batch
/// does), for each batch size: rows per second and the median run time. Prints one line per batch size,
/// <c>ort_limit batch=B rows_per_s=R p50_us=L runs=N</c>.
/// </summary>
/// <remarks>Usage: <c>gpu-checks ort-limit MODEL.onnx INPUTS [SECONDS] [BATCHES]</c>, e.g. <c>ort-limit model.onnx 1024 2 1,8,64,256</c>;
/// the CUDA libraries come from <c>CUDA_LIBRARY_PATH</c> (folders, ':'-separated), as the server takes them from
/// <c>--cuda-library-path</c>.</remarks>
internal static class OrtLimit
{
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: gpu-checks ort-limit MODEL.onnx INPUTS [SECONDS] [BATCHES]");
            return 2;
        }

        var (model, inputs) = (args[0], int.Parse(args[1], CultureInfo.InvariantCulture));
        var seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        var batches = args.Length > 3 ? args[3].Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray() : [1, 2, 4, 8, 16, 32, 64, 128, 256];

        var libraries = CudaProviderLibraries.PrepareBesideOnnxRuntime(Environment.GetEnvironmentVariable("CUDA_LIBRARY_PATH") ?? "");
        if (libraries.MissingReason.Length > 0)
        {
            Console.WriteLine($"ort_limit unavailable: {libraries.MissingReason}");
            return 1;
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.AppendExecutionProvider_CUDA(0);
        using var session = new InferenceSession(model, options);
        var inputName = session.InputNames[0];
        var outputName = session.OutputNames[0];
        var outputs = session.OutputMetadata[outputName].Dimensions[^1];
        var half = session.InputMetadata[inputName].ElementDataType == TensorElementType.Float16;
        var random = new Random(7);
        foreach (var batch in batches)
        {
            using var input = half
                ? OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, batch * inputs).Select(_ => (Float16)(float)(random.NextDouble() * 2 - 1)).ToArray(), [batch, inputs])
                : OrtValue.CreateTensorValueFromMemory(Enumerable.Range(0, batch * inputs).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray(), [batch, inputs]);
            using var output = half
                ? OrtValue.CreateTensorValueFromMemory(new Float16[batch * outputs], [batch, outputs])
                : OrtValue.CreateTensorValueFromMemory(new float[batch * outputs], [batch, outputs]);
            using var runOptions = new RunOptions();

            // Warm-up: the first runs pick kernels and grow the arena.
            for (var i = 0; i < 5; i++)
            {
                session.Run(runOptions, [inputName], [input], [outputName], [output]);
            }

            var times = new List<double>();
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds)
            {
                var start = Stopwatch.GetTimestamp();
                session.Run(runOptions, [inputName], [input], [outputName], [output]);
                times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            }

            times.Sort();
            var rowsPerSecond = batch * times.Count / total.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ort_limit batch={batch} rows_per_s={rowsPerSecond:F0} p50_us={times[times.Count / 2]:F0} runs={times.Count}"));
        }

        return 0;
    }
}
