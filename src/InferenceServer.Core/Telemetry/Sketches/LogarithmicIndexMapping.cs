namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// The DDSketch bin mapping (Masson, Rim, Lee 2019): a positive value x falls in bin
/// <c>i = ceil(log_γ(x))</c> with <c>γ = (1 + α) / (1 − α)</c>, so bin i holds <c>(γ^(i−1), γ^i]</c>.
/// </summary>
/// <remarks>
/// The value reported for bin i is <c>2γ^i / (γ + 1)</c>: its relative distance to both ends of the
/// bin is exactly <c>(γ − 1) / (γ + 1) = α</c>, so it is within α of every value in the bin. Values
/// below <see cref="MinIndexableValue"/> (about the smallest normal double) are not mapped; the
/// sketch counts them as zero. With α ≥ <see cref="MinRelativeAccuracy"/> every finite double maps
/// to an index well inside <see cref="int"/> (|index| ≤ ln(double.MaxValue) / ln γ ≈ 3.6e8).
/// </remarks>
internal readonly struct LogarithmicIndexMapping
{
    /// <summary>Smallest accepted α; below it bin indexes could leave the <see cref="int"/> range.</summary>
    public const double MinRelativeAccuracy = 1e-6;

    // Smallest positive normal double; subnormals carry too few significant bits to map reliably.
    private const double MinNormal = 2.2250738585072014E-308;

    private readonly double _logGamma;
    private readonly double _multiplier;
    private readonly double _upperBoundFactor;

    public LogarithmicIndexMapping(double relativeAccuracy)
    {
        if (!(relativeAccuracy >= MinRelativeAccuracy && relativeAccuracy < 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(relativeAccuracy), relativeAccuracy, $"Relative accuracy must be in [{MinRelativeAccuracy}, 1).");
        }

        RelativeAccuracy = relativeAccuracy;
        Gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
        _logGamma = Math.Log(Gamma);
        _multiplier = 1 / _logGamma;
        _upperBoundFactor = 2 * Gamma / (Gamma + 1);
        MinIndexableValue = MinNormal * Gamma;
    }

    public double RelativeAccuracy { get; }

    public double Gamma { get; }

    /// <summary>Positive values below this count as zero.</summary>
    public double MinIndexableValue { get; }

    /// <summary>Bin of a value ≥ <see cref="MinIndexableValue"/>.</summary>
    public int Index(double value) => (int)Math.Ceiling(Math.Log(value) * _multiplier);

    /// <summary>The value reported for a bin: within α of every value the bin holds.</summary>
    /// <remarks>
    /// Computed as <c>γ^(i−1) · 2γ/(γ+1)</c> rather than <c>γ^i · 2/(γ+1)</c> so the power stays finite
    /// for the bin of <see cref="double.MaxValue"/>; the product may still round to infinity there, and
    /// the sketch clamps every answer to its exact minimum and maximum.
    /// </remarks>
    public double Value(int index) => Math.Exp((index - 1) * _logGamma) * _upperBoundFactor;
}
