using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tracing;

/// <summary>How a traced request's version was chosen, as its span's <c>inference.routing</c> attribute says it.</summary>
internal static class TraceRouting
{
    /// <summary>The request named its version: no policy applied.</summary>
    public const string ExplicitVersion = "explicit_version";

    /// <summary>No canary: the model's highest ready version served.</summary>
    public const string Latest = "latest";

    /// <summary>A canary policy chose by weight (the request carried no routing key).</summary>
    public const string Weighted = "weighted";

    /// <summary>A canary policy chose by the request's routing key: the same key always lands on the same version.</summary>
    public const string Sticky = "sticky";

    /// <summary>
    /// The decision for a sampled request (called for traced requests only: it may read the message for its key again).
    /// </summary>
    public static string Of<TKeys>(ReadOnlySpan<char> version, ReadOnlySpan<char> headKey, ModelTraffic? traffic, TKeys keys)
        where TKeys : IRoutingKeySource =>
        !version.IsEmpty ? ExplicitVersion
        : traffic?.Policy.HasCanary != true ? Latest
        : !headKey.IsEmpty || !string.IsNullOrEmpty(keys.FindRoutingKey()) ? Sticky
        : Weighted;
}
