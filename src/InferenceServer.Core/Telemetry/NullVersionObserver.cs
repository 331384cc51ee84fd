namespace InferenceServer.Core.Telemetry;

/// <summary>The observer when nothing listens.</summary>
public sealed class NullVersionObserver : IVersionObserver, IVersionObserverFactory
{
    public static readonly NullVersionObserver Instance = new();

    public IVersionObserver Create(string model, long version, int maxBatchRows) => this;

    public void OnSuccess(long requestNanoseconds, long queueNanoseconds)
    {
    }

    public void OnExecution(long rows, long computeNanoseconds)
    {
    }

    public void Dispose()
    {
    }
}
