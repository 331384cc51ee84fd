namespace InferenceServer.Perf.Naive;

/// <summary>The KServe v2 JSON request as a team would model it: every tensor's data as a flat array of numbers.</summary>
internal sealed record InferRequest(List<InferInput> Inputs);

internal sealed record InferInput(string Name, long[] Shape, string Datatype, double[] Data);
