namespace InferenceServer.Client.Models;

/// <summary>The server's name, version and the protocol extensions it supports.</summary>
/// <param name="Name">The server's name.</param>
/// <param name="Version">The server's version.</param>
/// <param name="Extensions">The extensions it supports (for example <c>binary_tensor_data</c>, <c>model_repository</c>).</param>
public sealed record ServerMetadata(string Name, string Version, IReadOnlyList<string> Extensions);
