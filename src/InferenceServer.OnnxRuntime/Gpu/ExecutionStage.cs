namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>The points of one GPU execution whose differences are Triton's compute_input, compute_infer and compute_output.</summary>
public enum ExecutionStage
{
    Start,
    InputsCopied,
    Inferred,
    OutputsCopied,
}
