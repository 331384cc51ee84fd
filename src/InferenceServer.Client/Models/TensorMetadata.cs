namespace InferenceServer.Client.Models;

/// <summary>One input or output as a model declares it.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DataType">Its protocol datatype (<see cref="Tensors.TensorDataType"/>).</param>
/// <param name="Shape">Its shape; -1 for each dynamic dim (and for the batch dim of a batching model).</param>
public sealed record TensorMetadata(string Name, string DataType, IReadOnlyList<long> Shape);
