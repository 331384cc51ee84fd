using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Models.WarmUp;

/// <summary>One input of a warm-up sample: its full shape (batch dimension included when the model batches) and bytes.</summary>
public sealed record WarmUpInput(string Name, DataType DataType, TensorShape Shape, byte[] Data);
