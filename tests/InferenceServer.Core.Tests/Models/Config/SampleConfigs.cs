namespace InferenceServer.Core.Tests.Models.Config;

/// <summary>Config texts shared by the parser, writer and round-trip tests.</summary>
internal static class SampleConfigs
{
    /// <summary>
    /// A realistic ONNX Runtime config touching every construct Triton users write: comments, list and block
    /// syntax, reshape (including the empty shape of a scalar), a version policy, instance groups, dynamic
    /// batching with both queue-policy forms, an accelerator with a string map, parameters, warmup with the
    /// input map and its oneof, and the response cache.
    /// </summary>
    public const string Realistic = """
        # ResNet-style image classifier served by ONNX Runtime.
        name: "resnet50"
        platform: "onnxruntime_onnx"
        backend: "onnxruntime"
        max_batch_size: 8
        version_policy: { specific: { versions: [ 1, 3 ] } }
        input [
          {
            name: "input"
            data_type: TYPE_FP32
            format: FORMAT_NCHW
            dims: [ 3, 224, 224 ]
            reshape: { shape: [ 1, 3, 224, 224 ] }
          }
        ]
        output [
          {
            name: "probabilities"
            data_type: TYPE_FP32
            dims: [ 1000 ]
            label_filename: "labels.txt"
          },
          {
            name: "top_class"
            data_type: TYPE_INT64
            dims: [ 1 ]
            reshape: { shape: [ ] }
          }
        ]
        instance_group [
          { name: "cpu_group", kind: KIND_CPU, count: 2 },
          { kind: KIND_GPU count: 1 gpus: [ 0, 1 ] }
        ]
        dynamic_batching {
          preferred_batch_size: [ 4, 8 ]
          max_queue_delay_microseconds: 100
          preserve_ordering: true
          priority_levels: 2
          default_priority_level: 1
          default_queue_policy {
            timeout_action: DELAY
            default_timeout_microseconds: 5000000
            allow_timeout_override: true
            max_queue_size: 16
          }
          priority_queue_policy {
            key: 1
            value: { timeout_action: REJECT max_queue_size: 4 }
          }
          priority_queue_policy {
            key: 2
            value: { default_timeout_microseconds: 10000000000 }
          }
        }
        optimization {
          graph: { level: -1 }
          priority: PRIORITY_MAX
          execution_accelerators {
            gpu_execution_accelerator: [
              {
                name: "tensorrt"
                parameters { key: "precision_mode" value: "FP16" }
                parameters { key: "max_workspace_size_bytes" value: "1073741824" }
              }
            ]
          }
          input_pinned_memory { enable: true }
        }
        parameters { key: "intra_op_thread_count" value: { string_value: "4" } }
        parameters: { key: "execution_mode" value: { string_value: "1" } }
        model_warmup [
          {
            name: "zeros"
            batch_size: 8
            inputs {
              key: "input"
              value: {
                data_type: TYPE_FP32
                dims: [ 3, 224, 224 ]
                zero_data: true
              }
            }
          },
          {
            name: "from_file"
            batch_size: 1
            count: 2
            inputs: {
              key: "input"
              value: { data_type: TYPE_FP32 dims: [ 3, 224, 224 ] input_data_file: "input.bin" }
            }
          }
        ]
        response_cache { enable: true }
        """;
}
