namespace InferenceServer.LoadTool.Server;

/// <summary>One input as the model's metadata declares it; <see cref="Shape"/> holds -1 for each dynamic dim (and the batch dim).</summary>
internal sealed record TensorDescription(string Name, string DataType, long[] Shape);
