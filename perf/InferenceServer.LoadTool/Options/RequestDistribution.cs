namespace InferenceServer.LoadTool.Options;

/// <summary>How open-loop send times are spaced (<c>--request-distribution</c>).</summary>
public enum RequestDistribution
{
    /// <summary>Exactly 1/rate apart.</summary>
    Constant,

    /// <summary>Exponential gaps with mean 1/rate: arrivals of a Poisson process, as independent clients produce.</summary>
    Poisson,
}
