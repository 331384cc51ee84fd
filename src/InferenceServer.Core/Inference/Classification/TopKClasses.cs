using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Inference.Classification;

/// <summary>
/// The classification extension (Triton's <c>classification.cc</c>): an output asked for with k classes comes back as
/// BYTES strings <c>"value:index"</c>, or <c>"value:index:label"</c> when the output has a label for that index, for its
/// k largest elements, largest first. A batching model's output is classified per batch row (shape
/// <c>[batch, min(k, row)]</c>); otherwise the whole tensor (<c>[min(k, elements)]</c>). The index is the position within
/// the row. Values print as C++'s <c>std::to_string</c> does: six decimals for floating point (<c>"3.300000"</c>), plain
/// decimals for integers. Equal values keep index order (lower index first): Triton's sort leaves that order unspecified.
/// </summary>
public static class TopKClasses
{
    /// <summary>The output parameter naming k (HTTP and gRPC, as Triton's clients send it).</summary>
    public const string Parameter = "classification";

    /// <summary>Whether an output of <paramref name="type"/> can be classified (numeric types with a C++ counterpart).</summary>
    public static bool Supports(DataType type) => type is DataType.UInt8 or DataType.UInt16 or DataType.UInt32 or DataType.UInt64
        or DataType.Int8 or DataType.Int16 or DataType.Int32 or DataType.Int64 or DataType.Fp32 or DataType.Fp64;

    /// <summary>The refusal for an output whose type cannot be classified (Triton's wording).</summary>
    public static InferenceError Unsupported(string output, DataType type) =>
        InferenceError.InvalidArgument($"class result not available for output '{output}' due to unsupported type '{type.ToProtocolString()}'");

    /// <summary>Replaces <paramref name="output"/> with its top <paramref name="k"/> classes.</summary>
    internal static void Apply(InferenceOutput output, int k, bool batches, PinnedBufferPool pool)
    {
        var type = output.DataType;
        var data = output.Data.Span;
        var elementSize = type.ElementSize();
        var elements = data.Length / elementSize;
        var dims = output.Shape.Dimensions;
        var rows = batches && dims.Length > 0 ? (int)dims[0] : 1;
        var perRow = rows == 0 ? 0 : elements / rows;
        var taken = Math.Min(k, perRow);
        var labels = output.Spec.Labels;

        var strings = new List<string>(rows * taken);
        var order = new int[perRow];
        var keys = new double[perRow];
        for (var row = 0; row < rows; row++)
        {
            var values = data.Slice(row * perRow * elementSize, perRow * elementSize);
            for (var i = 0; i < perRow; i++)
            {
                order[i] = i;
            }

            // Largest first; ties keep index order.
            for (var i = 0; i < perRow; i++)
            {
                keys[i] = SortKey(type, values, i);
            }

            Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
            for (var i = 0; i < taken; i++)
            {
                var index = order[i];
                var text = Format(type, values, index) + ":" + index.ToString(CultureInfo.InvariantCulture);
                strings.Add(labels is not null && index < labels.Count ? text + ":" + labels[index] : text);
            }
        }

        var total = 0;
        foreach (var text in strings)
        {
            total += BytesTensor.PrefixSize + Encoding.UTF8.GetByteCount(text);
        }

        var buffer = pool.Rent(total);
        var destination = buffer.Span;
        foreach (var text in strings)
        {
            destination = destination[BytesTensor.WriteElement(destination, Encoding.UTF8.GetBytes(text))..];
        }

        var shape = default(TensorShape);
        if (batches)
        {
            shape.TryAppend(rows);
        }

        shape.TryAppend(taken);
        output.ReplaceWithClasses(shape, buffer);
    }

    /// <summary>C++'s <c>std::to_string</c>: <c>"%f"</c> for floating point, <c>"%d"</c>/<c>"%u"</c> for integers.</summary>
    public static string Format(DataType type, ReadOnlySpan<byte> values, int index) => type switch
    {
        DataType.Fp32 => FormatFloating(BinaryPrimitives.ReadSingleLittleEndian(values[(index * 4)..])),
        DataType.Fp64 => FormatFloating(BinaryPrimitives.ReadDoubleLittleEndian(values[(index * 8)..])),
        DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(values[(index * 8)..]).ToString(CultureInfo.InvariantCulture),
        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(values[(index * 8)..]).ToString(CultureInfo.InvariantCulture),
        _ => ((long)SortKeyInteger(type, values, index)).ToString(CultureInfo.InvariantCulture),
    };

    private static string FormatFloating(double value) =>
        double.IsNaN(value) ? (double.IsNegative(value) ? "-nan" : "nan")
        : double.IsInfinity(value) ? (value > 0 ? "inf" : "-inf")
        : FixedSix(value);

    // printf's "%f": the binary value's exact decimal expansion rounded to six places, half to even (glibc), which .NET's
    // "F6" does not promise (it rounds half away from zero). value = mantissa · 2^exponent exactly.
    private static string FixedSix(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var negative = bits < 0;
        var exponentBits = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFF;
        int exponent;
        if (exponentBits == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = exponentBits - 1075;
        }

        var scaled = (BigInteger)mantissa * Million;
        if (exponent >= 0)
        {
            scaled <<= exponent;
        }
        else
        {
            var denominator = BigInteger.One << -exponent;
            var quotient = BigInteger.DivRem(scaled, denominator, out var remainder);
            var twice = remainder << 1;
            if (twice > denominator || (twice == denominator && !quotient.IsEven))
            {
                quotient++;
            }

            scaled = quotient;
        }

        var digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(7, '0');
        return (negative ? "-" : "") + digits[..^6] + "." + digits[^6..];
    }

    private static readonly BigInteger Million = 1_000_000;

    // NaN sorts below everything, so it is never among the top classes unless the row has nothing else.
    private static double SortKey(DataType type, ReadOnlySpan<byte> values, int index) => type switch
    {
        DataType.Fp32 => BinaryPrimitives.ReadSingleLittleEndian(values[(index * 4)..]) is var f && float.IsNaN(f) ? double.NegativeInfinity : f,
        DataType.Fp64 => BinaryPrimitives.ReadDoubleLittleEndian(values[(index * 8)..]) is var d && double.IsNaN(d) ? double.NegativeInfinity : d,
        _ => SortKeyInteger(type, values, index),
    };

    // 64-bit integers above 2^53 lose precision as a double key; classification scores are never that large.
    private static double SortKeyInteger(DataType type, ReadOnlySpan<byte> values, int index) => type switch
    {
        DataType.UInt8 => values[index],
        DataType.Int8 => (sbyte)values[index],
        DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(values[(index * 2)..]),
        DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(values[(index * 2)..]),
        DataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(values[(index * 4)..]),
        DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(values[(index * 4)..]),
        DataType.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(values[(index * 8)..]),
        DataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(values[(index * 8)..]),
        _ => 0,
    };
}
