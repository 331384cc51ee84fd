using System.Globalization;

namespace InferenceServer.LoadTool.Options;

/// <summary>One step's load: a closed-loop concurrency or an open-loop request rate.</summary>
public readonly record struct LoadLevel(int? ConcurrencyLevel, double? RequestRate)
{
    public static LoadLevel Concurrency(int concurrency) => new(concurrency, null);

    public static LoadLevel Rate(double requestsPerSecond) => new(null, requestsPerSecond);

    /// <summary>A ramp (scenario files): the rate grows linearly from <see cref="RequestRate"/> to this over the step's duration.</summary>
    public double? RampToRate { get; init; }

    public bool IsOpenLoop => RequestRate is not null;

    public static LoadLevel Ramp(double fromPerSecond, double toPerSecond) => new(null, fromPerSecond) { RampToRate = toPerSecond };

    public override string ToString() => (RequestRate, RampToRate) switch
    {
        ({ } from, { } to) => string.Create(CultureInfo.InvariantCulture, $"ramp {from:0.###}->{to:0.###}/s"),
        ({ } rate, null) => string.Create(CultureInfo.InvariantCulture, $"rate {rate:0.###}/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"concurrency {ConcurrencyLevel}"),
    };
}
