namespace InferenceServer.Client.Models;

/// <summary>One row of the repository index: a model version and its state.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Version">The version ("" for a model with none loaded).</param>
/// <param name="State">Its state (<c>READY</c>, <c>UNAVAILABLE</c>, <c>LOADING</c>, <c>UNLOADING</c>).</param>
/// <param name="Reason">Why it is not ready ("" when it is).</param>
public sealed record RepositoryModel(string Name, string Version, string State, string Reason);
