using System.Text;

namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>The values the token mutations draw from: what a parser's edge cases are made of.</summary>
internal static class MutationValues
{
    /// <summary>Bytes that change the meaning of JSON, protobuf text or a length prefix.</summary>
    public static readonly byte[] InterestingBytes =
        [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0xC0, 0xED, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'0', (byte)'9', (byte)'\n'];

    /// <summary>
    /// Numbers at the edges: signs, zero, the int32/int64/uint64 limits and one past them, floats that
    /// overflow or underflow, hex and octal spellings, and sizes around the per-tensor limit.
    /// </summary>
    public static readonly byte[][] Numbers = Utf8(
        "0", "-0", "1", "-1", "2", "7", "8", "9", "16", "17", "64", "65", "127", "128", "255", "256", "65535", "65536",
        "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
        "2147483591", "268435455", "536870912", "1073741824",
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
        "18446744073709551615", "18446744073709551616", "340282366920938463463374607431768211456",
        "1e309", "-1e309", "1e-400", "1.5", "-0.0", "3.4028235e38", "1E2", "0.1e1", "00", "0x10", "010", "1f", "NaN", "Infinity");

    /// <summary>Datatypes (valid, lower-case, unknown), tensor names of the sample models, reserved names, and malformed strings.</summary>
    public static readonly byte[][] Strings =
    [
        .. Utf8(
            "\"BOOL\"", "\"UINT8\"", "\"UINT16\"", "\"UINT32\"", "\"UINT64\"", "\"INT8\"", "\"INT16\"", "\"INT32\"", "\"INT64\"",
            "\"FP16\"", "\"FP32\"", "\"FP64\"", "\"BYTES\"", "\"BF16\"", "\"fp32\"", "\"STRING\"", "\"INVALID\"", "\"\"",
            "\"INPUT0\"", "\"INPUT1\"", "\"OUTPUT0\"", "\"OUTPUT1\"", "\"features\"", "\"probabilities\"",
            "\"name\"", "\"shape\"", "\"datatype\"", "\"data\"", "\"parameters\"", "\"binary_data_size\"", "\"binary_data\"",
            "\"binary_data_output\"", "\"priority\"", "\"timeout\"", "\"classification\"", "\"shared_memory_region\"",
            "\"triton_reserved\"", "\"routing_key\"", "\"inputs\"", "\"outputs\"", "\"id\"", "\"TYPE_FP32\"", "\"onnxruntime_onnx\"",
            "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\\"", "\"\\x41\"", "\"\\101\"", "\"\\U0010FFFF\"", "\"\\uD800\\uDC00\""),

        // Quoted bytes that are not UTF-8: a lone 0xFF, a cut two-byte sequence, an encoded surrogate.
        [(byte)'"', 0xFF, 0xFE, (byte)'"'],
        [(byte)'"', 0xC3, (byte)'"'],
        [(byte)'"', 0xED, 0xA0, 0x80, (byte)'"'],
    ];

    /// <summary>Syntax tokens of JSON and protobuf text.</summary>
    public static readonly byte[][] Tokens = Utf8(
        "{", "}", "[", "]", "\"", ",", ":", ";", "<", ">", "-", ".", "e", "null", "true", "false", "[]", "{}", "\"\":",
        "#", "\\", "\\u", "0x", "\r\n", " ", "\u00e9", "\uFEFF", "\"name\":", "\"shape\":[", "\"data\":[", "dims: ", "input { ", "} ");

    /// <summary>Nesting depths around the limits (JSON's 100 and 64 for protobuf text) and far beyond them.</summary>
    public static readonly int[] Depths = [1, 2, 8, 63, 64, 65, 99, 100, 101, 128, 1000, 10000];

    private static byte[][] Utf8(params string[] values) => [.. values.Select(Encoding.UTF8.GetBytes)];
}
