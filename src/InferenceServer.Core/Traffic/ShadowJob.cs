using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Traffic;

/// <summary>A mirrored request: copies of the primary's inputs and outputs (the caller's buffers go back to their pools).</summary>
public sealed record ShadowJob(IReadOnlyList<ShadowTensor> Inputs, IReadOnlyList<ShadowTensor> PrimaryOutputs, long Rows);

/// <summary>One copied tensor.</summary>
public sealed record ShadowTensor(string Name, DataType DataType, TensorShape Shape, byte[] Data);
