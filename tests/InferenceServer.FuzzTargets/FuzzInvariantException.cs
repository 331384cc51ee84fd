namespace InferenceServer.FuzzTargets;

/// <summary>A parser ended in a way it must not: an error code a client should never see for its own input, a leaked buffer, an allocation out of proportion to the input.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
