namespace InferenceServer.LoadTool.Server;

/// <summary>What the tool needs to know about a model: its inputs (metadata) and whether it batches (config).</summary>
/// <param name="MaxBatchSize">The config's max_batch_size; above 0 the first dim of every input is the batch dim.</param>
internal sealed record ModelDescription(string Name, IReadOnlyList<TensorDescription> Inputs, int MaxBatchSize);
