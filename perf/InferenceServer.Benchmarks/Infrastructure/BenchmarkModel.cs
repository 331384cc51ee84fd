namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>Which model a batching benchmark runs: one where ONNX Runtime's compute is negligible, one where it dominates.</summary>
public enum BenchmarkModel
{
    /// <summary>Triton's <c>simple</c>: INT32 [-1,16] ×2 → Add and Sub; the run costs microseconds.</summary>
    Simple,

    /// <summary>The MLP 256 → 1024 → 1024 → 10 (<c>SampleModels.Mlp(256, 1024, 10, 2)</c>); compute-bound.</summary>
    Mlp,
}
