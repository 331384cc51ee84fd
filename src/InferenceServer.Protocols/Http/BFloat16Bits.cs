namespace InferenceServer.Protocols.Http;

/// <summary>
/// bfloat16 is a float's upper 16 bits (sign, the 8 exponent bits, 7 of the mantissa's 23). A JSON number becomes
/// one by rounding the float to nearest, ties to even, as PyTorch and ONNX Runtime do; NaN stays a quiet NaN
/// (truncating could clear every mantissa bit that was left and make it infinity).
/// </summary>
internal static class BFloat16Bits
{
    public static ushort From(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }
}
