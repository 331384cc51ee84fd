namespace InferenceServer.Core.Telemetry;

/// <summary>Creates the observer of each model version as it loads (one per exporter; none when telemetry is off).</summary>
public interface IVersionObserverFactory
{
    IVersionObserver Create(string model, long version, int maxBatchRows);
}
