namespace InferenceServer.Perf.Naive;

/// <summary>The KServe v2 JSON response: one entry per model output, data as a flat array of numbers.</summary>
internal sealed record InferResponse(string ModelName, List<InferOutput> Outputs);

internal sealed record InferOutput(string Name, string Datatype, long[] Shape, double[] Data);
