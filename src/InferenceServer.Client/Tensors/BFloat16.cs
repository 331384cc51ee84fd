using System.Globalization;
using System.Runtime.InteropServices;

namespace InferenceServer.Client.Tensors;

/// <summary>
/// A bfloat16 (<c>BF16</c>) element: the upper 16 bits of an IEEE-754 single, stored as its bits. .NET has no
/// built-in bfloat16, so tensors of this type are spans of this struct (two bytes each, little-endian on the wire).
/// Converting from <see cref="float"/> rounds to nearest even; NaN stays NaN.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The raw 16 bits (sign, 8 exponent bits, 7 mantissa bits).</summary>
    public ushort Bits => _bits;

    /// <summary>A value from its raw 16 bits.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>Rounds a single to the nearest bfloat16 (ties to even); NaN stays a quiet NaN.</summary>
    public static BFloat16 FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>The exact single this value stands for.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)_bits << 16);

    /// <summary>Rounds a single to bfloat16.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);

    /// <summary>Widens to a single, exactly.</summary>
    public static implicit operator float(BFloat16 value) => value.ToSingle();

    /// <summary>Bitwise equality (so -0 and +0 differ, and a NaN equals itself).</summary>
    public bool Equals(BFloat16 other) => _bits == other._bits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _bits;

    /// <summary>Bitwise equality.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    /// <summary>Bitwise inequality.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);

    /// <summary>The value as a single, formatted invariantly.</summary>
    public override string ToString() => ToSingle().ToString(CultureInfo.InvariantCulture);
}
