using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Stateful accumulators (<see cref="SequenceSampleModels"/>) under the sequence batcher: each answer is its sequence's
/// running sum, so an answer computed from another sequence's state, or out of order, is caught.
/// </summary>
internal static class SequenceRepositories
{
    /// <summary>Implicit state only, direct strategy: max_batch_size 4 × 2 instances = 8 slots.</summary>
    public const string Direct = "sequence_direct";

    /// <summary>Explicit START/READY/END/CORRID (UINT64) controls and implicit state, oldest strategy with 8 candidates.</summary>
    public const string Oldest = "sequence_oldest";

    /// <summary>One slot (max_batch_size 1, one instance) and five seconds of idle time, for the slot tests.</summary>
    public const string OneSlot = "sequence_one_slot";

    public const int DirectSlots = 8;
    public const int OldestCandidates = 8;
    public static readonly TimeSpan OneSlotIdle = TimeSpan.FromSeconds(5);

    private const string State =
        "state [ { input_name: \"STATE_IN\" output_name: \"STATE_OUT\" data_type: TYPE_INT32 dims: [ 1 ] " +
        "initial_state: { data_type: TYPE_INT32 dims: [ 1 ] zero_data: true name: \"zero\" } } ]";

    private const string Input = "input [ { name: \"INPUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n";

    public static void Write(string root)
    {
        SampleRepositoryWriter.WriteModel(root, Direct, SequenceSampleModels.Accumulator(),
            $"name: \"{Direct}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 4\n{Input}" +
            "output [ { name: \"OUTPUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n" +
            "instance_group [ { count: 2 kind: KIND_CPU } ]\n" +
            $"sequence_batching {{ direct {{ }} {State} }}\n");
        SampleRepositoryWriter.WriteModel(root, Oldest, SequenceSampleModels.ControlledAccumulator(),
            $"name: \"{Oldest}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 4\n{Input}" +
            "output [ { name: \"OUTPUT\" data_type: TYPE_INT32 dims: [ 1 ] }, { name: \"READY_OUT\" data_type: TYPE_INT32 dims: [ 1 ] }, " +
            "{ name: \"END_OUT\" data_type: TYPE_INT32 dims: [ 1 ] }, { name: \"CORRID_OUT\" data_type: TYPE_UINT64 dims: [ 1 ] }, " +
            "{ name: \"STATE_OUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n" +
            "instance_group [ { count: 1 kind: KIND_CPU } ]\n" +
            "sequence_batching {\n" +
            $"  oldest {{ max_candidate_sequences: {OldestCandidates} preferred_batch_size: [ 2, 4 ] }}\n" +
            "  control_input [\n" +
            "    { name: \"START\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 0, 1 ] } ] },\n" +
            "    { name: \"READY\" control [ { kind: CONTROL_SEQUENCE_READY int32_false_true: [ 0, 1 ] } ] },\n" +
            "    { name: \"END\" control [ { kind: CONTROL_SEQUENCE_END int32_false_true: [ 0, 1 ] } ] },\n" +
            "    { name: \"CORRID\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }\n" +
            "  ]\n" +
            "  state [ { input_name: \"STATE_IN\" output_name: \"STATE_OUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n" +
            "}\n");
        SampleRepositoryWriter.WriteModel(root, OneSlot, SequenceSampleModels.Accumulator(),
            $"name: \"{OneSlot}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: 1\n{Input}" +
            "output [ { name: \"OUTPUT\" data_type: TYPE_INT32 dims: [ 1 ] } ]\n" +
            "instance_group [ { count: 1 kind: KIND_CPU } ]\n" +
            $"sequence_batching {{ max_sequence_idle_microseconds: {(long)OneSlotIdle.TotalMicroseconds} {State} }}\n");
    }
}
