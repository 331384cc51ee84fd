using System.Globalization;

namespace InferenceServer.LoadTool.Options;

/// <summary>One step's load: a closed-loop concurrency or an open-loop request rate.</summary>
public readonly record struct LoadLevel(int? ConcurrencyLevel, double? RequestRate)
{
    public static LoadLevel Concurrency(int concurrency) => new(concurrency, null);

    public static LoadLevel Rate(double requestsPerSecond) => new(null, requestsPerSecond);

    public bool IsOpenLoop => RequestRate is not null;

    public override string ToString() => RequestRate is { } rate
        ? string.Create(CultureInfo.InvariantCulture, $"rate {rate:0.###}/s")
        : string.Create(CultureInfo.InvariantCulture, $"concurrency {ConcurrencyLevel}");
}
