using System.Numerics;
using System.Runtime.InteropServices;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Telemetry.Profiles;

/// <summary>
/// Prediction drift for classifiers: a floating-point <c>[batch, C]</c> output (C ≥ 2) is read as class scores, and
/// each row's predicted class (its argmax; the first on ties, NaN rows skipped) is counted. The shares of the counts
/// are the model's output distribution that a canary and its primary can be compared on.
/// </summary>
public static class PredictedClasses
{
    /// <summary>Whether <paramref name="layout"/> is counted as class scores.</summary>
    public static bool Applies(TensorLayout layout) =>
        !layout.IsInput && layout.PerColumn && layout.FeatureCount >= 2 && layout.DataType is DataType.Fp16 or DataType.Fp32 or DataType.Fp64;

    /// <summary>Adds one to <paramref name="counts"/>[argmax] for each row of <paramref name="data"/> (row-major, <c>counts.Length</c> columns).</summary>
    public static void Count(DataType type, ReadOnlySpan<byte> data, long[] counts)
    {
        switch (type)
        {
            case DataType.Fp16: Count(MemoryMarshal.Cast<byte, Half>(data), counts); break;
            case DataType.Fp32: Count(MemoryMarshal.Cast<byte, float>(data), counts); break;
            case DataType.Fp64: Count(MemoryMarshal.Cast<byte, double>(data), counts); break;
        }
    }

    /// <summary>Each count's share of the total; empty when nothing was counted.</summary>
    public static double[] Shares(long[] counts)
    {
        var total = 0L;
        foreach (var count in counts)
        {
            total += count;
        }

        return total == 0 ? [] : counts.Select(c => (double)c / total).ToArray();
    }

    private static void Count<T>(ReadOnlySpan<T> values, long[] counts)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var classes = counts.Length;
        for (var row = 0; row + classes <= values.Length; row += classes)
        {
            var scores = values.Slice(row, classes);
            var best = -1;
            for (var c = 0; c < classes; c++)
            {
                if (!T.IsNaN(scores[c]) && (best < 0 || scores[c] > scores[best]))
                {
                    best = c;
                }
            }

            if (best >= 0)
            {
                counts[best]++;
            }
        }
    }
}
