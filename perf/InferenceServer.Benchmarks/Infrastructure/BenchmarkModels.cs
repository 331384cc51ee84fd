using System.Globalization;
using System.Text;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>The models the benchmarks load: the checked-in <c>simple</c> and batching variants of it and of the MLP.</summary>
internal static class BenchmarkModels
{
    public const int MaxBatchSize = 64;

    /// <summary>The benchmark MLP of perf/README.md: 256 → 1024 → 1024 → 10, INPUT0 FP32 [-1,256] → OUTPUT0 FP32 [-1,10].</summary>
    public const int MlpInputs = 256;
    public const int MlpHidden = 1024;
    public const int MlpOutputs = 10;
    public const int MlpLayers = 2;

    /// <summary>Triton's <c>simple</c> exactly as the sample repository has it (max_batch_size 8, no dynamic batching, default instances).</summary>
    public static SampleModel Simple() => SampleRepositoryWriter.CreateSamples().Single(m => m.Name == SampleModelNames.Simple);

    /// <summary>
    /// <c>simple</c> or the MLP with <c>max_batch_size: 64</c>, <c>dynamic_batching</c>, one CPU instance and one
    /// intra-op thread. Without <paramref name="preferredBatchSize"/> the batching block is empty (max_queue_delay 0:
    /// a batch is whatever is queued when the instance looks); with it, the instance waits (up to a second) until
    /// exactly that many requests are queued, so every execution is one batch of that size.
    /// </summary>
    public static SampleModel Batched(BenchmarkModel model, string name, int? preferredBatchSize)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"name: \"{name}\"\n")
            .Append("platform: \"onnxruntime_onnx\"\n")
            .Append(CultureInfo.InvariantCulture, $"max_batch_size: {MaxBatchSize}\n");
        if (model == BenchmarkModel.Simple)
        {
            text.Append(CultureInfo.InvariantCulture, $"input [ {Tensor("INPUT0", "TYPE_INT32", SampleModels.SimpleWidth)}, {Tensor("INPUT1", "TYPE_INT32", SampleModels.SimpleWidth)} ]\n")
                .Append(CultureInfo.InvariantCulture, $"output [ {Tensor("OUTPUT0", "TYPE_INT32", SampleModels.SimpleWidth)}, {Tensor("OUTPUT1", "TYPE_INT32", SampleModels.SimpleWidth)} ]\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"input [ {Tensor("INPUT0", "TYPE_FP32", MlpInputs)} ]\n")
                .Append(CultureInfo.InvariantCulture, $"output [ {Tensor("OUTPUT0", "TYPE_FP32", MlpOutputs)} ]\n");
        }

        text.Append(preferredBatchSize is { } preferred
                ? string.Create(CultureInfo.InvariantCulture, $"dynamic_batching {{ preferred_batch_size: [ {preferred} ] max_queue_delay_microseconds: 1000000 }}\n")
                : "dynamic_batching { }\n")
            .Append("instance_group [ { count: 1 kind: KIND_CPU } ]\n")
            .Append("parameters { key: \"intra_op_thread_count\" value { string_value: \"1\" } }\n");
        var onnx = model == BenchmarkModel.Simple ? SampleModels.Simple() : SampleModels.Mlp(MlpInputs, MlpHidden, MlpOutputs, MlpLayers);
        return new SampleModel(name, text.ToString(), onnx);
    }

    private static string Tensor(string name, string type, int width) =>
        string.Create(CultureInfo.InvariantCulture, $"{{ name: \"{name}\" data_type: {type} dims: [ {width} ] }}");
}
