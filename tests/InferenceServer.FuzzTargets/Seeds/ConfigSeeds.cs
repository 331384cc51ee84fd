using System.Text;

namespace InferenceServer.FuzzTargets.Seeds;

/// <summary>
/// Valid config.pbtxt texts: the sample models of <c>model-repository/</c>, a variable-shape FP32 identity
/// model, and one config that uses most of the schema (maps, oneofs, enums, nested blocks, every scalar type,
/// both block brackets, comments, escapes) so mutations start from every corner of the grammar.
/// </summary>
internal static class ConfigSeeds
{
    public const string Simple = """
        # Triton's simple example: OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1, 16 INT32 values per row.
        name: "simple"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        input [
          {
            name: "INPUT0"
            data_type: TYPE_INT32
            dims: [ 16 ]
          },
          {
            name: "INPUT1"
            data_type: TYPE_INT32
            dims: [ 16 ]
          }
        ]
        output [
          {
            name: "OUTPUT0"
            data_type: TYPE_INT32
            dims: [ 16 ]
          },
          {
            name: "OUTPUT1"
            data_type: TYPE_INT32
            dims: [ 16 ]
          }
        ]

        """;

    public const string SimpleString = """
        # Triton's simple_string example: like simple, but every value is a decimal integer in a string.
        name: "simple_string"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        input [
          {
            name: "INPUT0"
            data_type: TYPE_STRING
            dims: [ 16 ]
          },
          {
            name: "INPUT1"
            data_type: TYPE_STRING
            dims: [ 16 ]
          }
        ]
        output [
          {
            name: "OUTPUT0"
            data_type: TYPE_STRING
            dims: [ 16 ]
          },
          {
            name: "OUTPUT1"
            data_type: TYPE_STRING
            dims: [ 16 ]
          }
        ]

        """;

    public const string SimpleIdentity = """
        # Triton's simple_identity example: OUTPUT0 is a copy of INPUT0, strings of any length.
        name: "simple_identity"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        input [
          {
            name: "INPUT0"
            data_type: TYPE_STRING
            dims: [ -1 ]
          }
        ]
        output [
          {
            name: "OUTPUT0"
            data_type: TYPE_STRING
            dims: [ -1 ]
          }
        ]

        """;

    public const string FraudDetector = """
        # Tabular fraud classifier: 30 FP32 features -> 64 ReLU -> 32 ReLU -> 2 softmax over [legit, fraud].
        # Synthetic seeded weights; it demonstrates dynamic batching of small CPU requests.
        name: "fraud_detector"
        platform: "onnxruntime_onnx"
        max_batch_size: 64
        input [
          {
            name: "features"
            data_type: TYPE_FP32
            dims: [ 30 ]
          }
        ]
        output [
          {
            name: "probabilities"
            data_type: TYPE_FP32
            dims: [ 2 ]
          }
        ]
        dynamic_batching {
          max_queue_delay_microseconds: 200
        }
        instance_group [
          {
            count: 1
            kind: KIND_CPU
          }
        ]

        """;

    /// <summary>A numeric input whose length the request chooses: the shape that sizes buffers from the request alone.</summary>
    public const string IdentityFp32 = """
        name: "identity_fp32"
        platform: "onnxruntime_onnx"
        max_batch_size: 8
        input { name: "INPUT0" data_type: TYPE_FP32 dims: [ -1 ] }
        output { name: "OUTPUT0" data_type: TYPE_FP32 dims: [ -1 ] }

        """;

    public const string Rich = """
        # Most of the schema in one file.
        name: "rich\x21\101\u00e9"
        backend: 'onnxruntime'
        runtime: "" "concatenated"
        default_model_filename: "model.onnx"
        version_policy: { specific: { versions: [1, 0x3, 07] } }
        max_batch_size: 0x10
        input [
          { name: "a" data_type: TYPE_FP16 format: FORMAT_NONE dims: [2, -1] reshape: { shape: [-1] } optional: true },
          < name: "b"; data_type: 8; dims: 3; dims: 4; allow_ragged_batch: false >
        ]
        output: [{ name: "c" data_type: TYPE_BF16 dims: [ 1 ] label_filename: "labels.txt" is_shape_tensor: False }]
        batch_input [ { kind: BATCH_ELEMENT_COUNT target_name: ["n"] data_type: TYPE_INT32 source_input: "a" } ]
        dynamic_batching {
          preferred_batch_size: [ 2, 4 ]
          max_queue_delay_microseconds: 18446744073709551615
          preserve_ordering: t
          priority_levels: 2
          default_priority_level: 1
          default_queue_policy { timeout_action: DELAY default_timeout_microseconds: 100 allow_timeout_override: true max_queue_size: 4294967295 }
          priority_queue_policy { key: 1 value: { max_queue_size: 1 } }
          priority_queue_policy { key: 2 value: { timeout_action: REJECT } }
        }
        optimization { graph { level: -2147483648 } priority: PRIORITY_MAX input_pinned_memory { enable: 1 } gather_kernel_buffer_threshold: 4294967295 }
        instance_group [ { name: "g" kind: KIND_CPU count: 2147483647 rate_limiter { resources [ { name: "r" count: 1 } ] priority: 1 } profile: ["p"] } ]
        cc_model_filenames { key: "k" value: "v" }
        metric_tags: { key: "team" value: "\"quoted\" \t tab" }
        parameters { key: "EXECUTION_ENV_PATH" value: { string_value: "\U0001F600" } }
        parameters [ { key: "a" value { string_value: "b" } }, { key: "c" } ]
        model_warmup [
          {
            name: "zeros"
            batch_size: 1
            inputs { key: "a" value: { data_type: TYPE_FP16 dims: [ 2, 3 ] zero_data: true } }
            inputs { key: "b" value: { data_type: TYPE_INT32 dims: 3 input_data_file: "b.bin" } }
            count: 4
          }
        ]
        model_transaction_policy { decoupled: false };
        response_cache { enable: true },
        model_metrics { metric_control [ { metric_identifier { family: "f" } histogram_options { buckets: [ -1.5, 0, 2.5e10 ] } } ] }

        """;

    /// <summary>The other branch of the scheduling oneof (a config the sequence batcher serves), with float spellings.</summary>
    public const string Sequence = """
        name: "sequence"
        backend: "onnxruntime"
        max_batch_size: 4
        input [ { name: "INPUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
        output [ { name: "OUTPUT" data_type: TYPE_INT64 dims: [ 1 ] } ]
        sequence_batching {
          max_sequence_idle_microseconds: 5000000
          direct { max_queue_delay_microseconds: 100 minimum_slot_utilization: .5 }
          control_input [
            { name: "START" control [ { kind: CONTROL_SEQUENCE_START fp32_false_true: [ 0.0, 1e0 ] } ] },
            { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY fp32_false_true: [ -inf, 1.5f ] } ] },
            { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] }
          ]
          state [ { input_name: "S_IN" output_name: "S_OUT" data_type: TYPE_FP32 dims: [ -1 ] initial_state { data_type: TYPE_FP32 dims: [ 2 ] zero_data: true } } ]
        }

        """;

    /// <summary>The sample models the request targets parse against, by name.</summary>
    public static readonly (string Name, string Text)[] Models =
    [
        ("simple", Simple), ("simple_string", SimpleString), ("simple_identity", SimpleIdentity),
        ("fraud_detector", FraudDetector), ("identity_fp32", IdentityFp32),
    ];

    /// <summary>Every seed, as named UTF-8 inputs.</summary>
    public static IReadOnlyList<(string Name, byte[] Bytes)> All { get; } =
        [.. Models.Concat([(Name: "rich", Text: Rich), (Name: "sequence", Text: Sequence)]).Select(m => (m.Name, Encoding.UTF8.GetBytes(m.Text)))];
}
