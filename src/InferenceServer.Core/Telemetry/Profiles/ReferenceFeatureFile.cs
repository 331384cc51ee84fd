using InferenceServer.Core.Telemetry.Sketches;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>One feature of a reference file.</summary>
public sealed record ReferenceFeatureFile
{
    /// <summary>Finite values.</summary>
    public long Count { get; init; }

    /// <summary>NaN values (missing); absent in files written before it was counted, read as 0.</summary>
    public long NanCount { get; init; }

    /// <summary>±infinity values; absent in older files, read as 0.</summary>
    public long InfCount { get; init; }

    public double Mean { get; init; }

    public double StdDev { get; init; }

    public double Min { get; init; }

    public double Max { get; init; }

    public KllSnapshot Sketch { get; init; } = new();

    /// <summary>Category counts of an integer, boolean or text feature; absent for floating-point features and in older files.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public FrequentItemsSnapshot? Categories { get; init; }
}
