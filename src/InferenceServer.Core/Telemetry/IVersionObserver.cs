namespace InferenceServer.Core.Telemetry;

/// <summary>
/// Hears every outcome of one model version as it happens (the exporter's histograms). Called on the request
/// path, so implementations must be cheap and lock-free. Disposed with the version.
/// </summary>
public interface IVersionObserver : IDisposable
{
    /// <summary>A request succeeded after <paramref name="requestNanoseconds"/> in the server, <paramref name="queueNanoseconds"/> of them queued.</summary>
    void OnSuccess(long requestNanoseconds, long queueNanoseconds);

    /// <summary>One model execution of <paramref name="rows"/> rows took <paramref name="computeNanoseconds"/> (input + infer + output).</summary>
    void OnExecution(long rows, long computeNanoseconds);
}
