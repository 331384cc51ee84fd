using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace InferenceServer.Core.Tensors;

/// <summary>
/// A tensor shape stored inline (no array per request). Ranks above <see cref="MaxRank"/> are
/// rejected at parse time with a message naming the tensor.
/// </summary>
public struct TensorShape : IEquatable<TensorShape>
{
    /// <summary>The highest rank a request tensor may have.</summary>
    public const int MaxRank = 8;

    private DimensionBuffer _dims;
    private int _rank;

    /// <summary>Number of dimensions.</summary>
    public readonly int Rank => _rank;

    /// <summary>The dimensions, outermost first.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<long> Dimensions => MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AsRef(in _dims[0]), _rank);

    /// <summary>One dimension.</summary>
    public readonly long this[int index] => Dimensions[index];

    /// <summary>Creates a shape; false when the rank is above <see cref="MaxRank"/>.</summary>
    public static bool TryCreate(ReadOnlySpan<long> dims, out TensorShape shape)
    {
        shape = default;
        if (dims.Length > MaxRank)
        {
            return false;
        }

        for (var i = 0; i < dims.Length; i++)
        {
            shape._dims[i] = dims[i];
        }

        shape._rank = dims.Length;
        return true;
    }

    /// <summary>Creates a shape, throwing when the rank is too high (for code paths with trusted shapes).</summary>
    public static TensorShape Create(ReadOnlySpan<long> dims) =>
        TryCreate(dims, out var shape) ? shape : throw new ArgumentException($"Rank {dims.Length} is above the supported {MaxRank}.", nameof(dims));

    /// <summary>Appends a dimension; false when the shape is already at <see cref="MaxRank"/>.</summary>
    public bool TryAppend(long dim)
    {
        if (_rank == MaxRank)
        {
            return false;
        }

        _dims[_rank++] = dim;
        return true;
    }

    /// <summary>A copy with the first dimension replaced (used to restate the batch size).</summary>
    public readonly TensorShape WithFirstDimension(long dim)
    {
        var copy = this;
        copy._dims[0] = dim;
        return copy;
    }

    /// <summary>Product of the dimensions; false on a negative dimension or on overflow.</summary>
    public readonly bool TryGetElementCount(out long count)
    {
        count = 1;
        foreach (var d in Dimensions)
        {
            if (d < 0)
            {
                return false;
            }

            try
            {
                count = checked(count * d);
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Element count for shapes already validated; throws on a bad shape.</summary>
    public readonly long ElementCount => TryGetElementCount(out var count) ? count : throw new InvalidOperationException("Shape has no element count.");

    /// <summary>The dimensions as a new array (for APIs that need one, e.g. ONNX Runtime).</summary>
    public readonly long[] ToArray() => Dimensions.ToArray();

    public readonly bool Equals(TensorShape other) => Dimensions.SequenceEqual(other.Dimensions);

    public override readonly bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    public override readonly int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dimensions)
        {
            hash.Add(d);
        }

        return hash.ToHashCode();
    }

    public static bool operator ==(TensorShape left, TensorShape right) => left.Equals(right);

    public static bool operator !=(TensorShape left, TensorShape right) => !left.Equals(right);

    /// <summary>Formats as <c>[1,16]</c>, the way error messages print shapes.</summary>
    public override readonly string ToString() => Format(Dimensions);

    /// <summary>Formats any dimension list as <c>[1,16]</c>.</summary>
    public static string Format(ReadOnlySpan<long> dims)
    {
        var parts = new string[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            parts[i] = dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(',', parts) + "]";
    }

    [InlineArray(MaxRank)]
    private struct DimensionBuffer
    {
        private long _element;
    }
}
