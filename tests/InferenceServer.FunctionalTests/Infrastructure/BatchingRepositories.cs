using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Triton's <c>simple</c> model (each output row is a function of its own input rows, so a response that
/// carries someone else's rows is caught) under dynamic-batching configs; the rest of the config is
/// auto-completed from the model.
/// </summary>
internal static class BatchingRepositories
{
    public const string Batched = "simple_batched";
    public const string SmallQueue = "simple_small_queue";
    public const string QueueTimeout = "simple_queue_timeout";
    public const string Delayed = "simple_delayed";
    public const int SmallQueueSize = 2;

    /// <summary>Two instances, batches of up to 8 rows, 2 ms delay.</summary>
    public static void WriteBatched(string root) => Write(root, Batched,
        "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 2000 }\ninstance_group [ { count: 2, kind: KIND_CPU } ]\n");

    /// <summary>For a server on a fake clock: one instance, batches of up to 8 rows held for one second (until the test moves time).</summary>
    public static void WriteDelayed(string root) => Write(root, Delayed,
        "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 1000000 }\ninstance_group [ { count: 1, kind: KIND_CPU } ]\n");

    /// <summary>
    /// Models for a server on a fake clock: a one-second batching delay (nothing runs until the test moves
    /// time), one with a queue of two, one with a 500 ms queue timeout that requests may lower.
    /// </summary>
    public static void WriteQueuePolicies(string root)
    {
        Write(root, SmallQueue,
            $"max_batch_size: 8\ndynamic_batching {{ max_queue_delay_microseconds: 1000000 default_queue_policy {{ max_queue_size: {SmallQueueSize} }} }}\n");
        Write(root, QueueTimeout,
            "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 1000000 " +
            "default_queue_policy { timeout_action: REJECT default_timeout_microseconds: 500000 allow_timeout_override: true } }\n");
    }

    private static void Write(string root, string name, string config)
    {
        var simple = SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple);
        SampleRepositoryWriter.WriteModel(root, name, simple.Onnx, $"name: \"{name}\"\nplatform: \"onnxruntime_onnx\"\n{config}");
    }
}
