namespace InferenceServer.Client.Models;

/// <summary>
/// A model's configuration: the fields every caller reads, typed, and the whole configuration as Triton's JSON form
/// of <c>ModelConfig</c> (snake_case field names) in <see cref="Json"/>, the same over both protocols.
/// </summary>
/// <param name="Name">The model's name.</param>
/// <param name="Platform">Its platform.</param>
/// <param name="Backend">Its backend ("" when the config names none).</param>
/// <param name="MaxBatchSize">Its max_batch_size; above 0 the first dim of every tensor is the batch dim.</param>
/// <param name="Inputs">Its inputs as the configuration declares them (dims without the batch dim).</param>
/// <param name="Outputs">Its outputs likewise.</param>
/// <param name="Json">The whole configuration as JSON.</param>
public sealed record ModelConfiguration(string Name, string Platform, string Backend, int MaxBatchSize, IReadOnlyList<TensorMetadata> Inputs, IReadOnlyList<TensorMetadata> Outputs, string Json);
