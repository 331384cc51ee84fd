namespace InferenceServer.Core.Traffic;

/// <summary>
/// Where a request's sticky-routing key is found when it is not in the request's head: a body or message parameter.
/// Asked only while the version is chosen, only for a model whose policy has a canary and a request that named neither
/// a version nor a key, so other requests never read their message for it.
/// </summary>
public interface IRoutingKeySource
{
    /// <summary>The key, or null when the message carries none.</summary>
    string? FindRoutingKey();
}

/// <summary>A request whose head is all there is: no key beyond it.</summary>
internal readonly struct NoRoutingKeySource : IRoutingKeySource
{
    public string? FindRoutingKey() => null;
}
