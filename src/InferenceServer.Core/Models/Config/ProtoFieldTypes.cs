using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Descriptor facts shared by the text parser and the JSON reader and writer: how a field's type is named in
/// messages, the boxed default of a scalar, and how a map key is spelled and ordered. Values are boxed as the
/// generated code's reflection accessors expect them: int/long/uint/ulong/float/double/bool/string, ByteString
/// for bytes, and the enum number as an int (which unboxes into the generated enum type).
/// </summary>
internal static class ProtoFieldTypes
{
    public static bool IsMessage(FieldDescriptor field) => field.FieldType is FieldType.Message or FieldType.Group;

    /// <summary>The type as it appears in a .proto file: <c>int32</c>, <c>string</c>, or a full message or enum name.</summary>
    public static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Double => "double",
        FieldType.Float => "float",
        FieldType.Int64 => "int64",
        FieldType.UInt64 => "uint64",
        FieldType.Int32 => "int32",
        FieldType.Fixed64 => "fixed64",
        FieldType.Fixed32 => "fixed32",
        FieldType.Bool => "bool",
        FieldType.String => "string",
        FieldType.Bytes => "bytes",
        FieldType.UInt32 => "uint32",
        FieldType.SFixed32 => "sfixed32",
        FieldType.SFixed64 => "sfixed64",
        FieldType.SInt32 => "sint32",
        FieldType.SInt64 => "sint64",
        FieldType.Enum => field.EnumType.FullName,
        _ => field.MessageType.FullName,
    };

    /// <summary>The inclusive range of an integer field, or false for non-integer types.</summary>
    public static bool TryGetIntegerRange(FieldDescriptor field, out Int128 min, out Int128 max)
    {
        (min, max) = field.FieldType switch
        {
            FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.Enum => ((Int128)int.MinValue, (Int128)int.MaxValue),
            FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long.MinValue, long.MaxValue),
            FieldType.UInt32 or FieldType.Fixed32 => (0, uint.MaxValue),
            FieldType.UInt64 or FieldType.Fixed64 => (0, ulong.MaxValue),
            _ => (Int128.Zero, Int128.Zero),
        };
        return min != max;
    }

    /// <summary>Boxes an in-range integer as the CLR type the field's accessor expects.</summary>
    public static object BoxInteger(FieldDescriptor field, Int128 value) => field.FieldType switch
    {
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 or FieldType.Enum => (int)value,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)value,
        FieldType.UInt32 or FieldType.Fixed32 => (uint)value,
        _ => (ulong)value,
    };

    /// <summary>The proto3 default of a scalar field, boxed as <see cref="BoxInteger"/> and friends do.</summary>
    public static object DefaultScalar(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Bool => false,
        FieldType.String => string.Empty,
        FieldType.Bytes => ByteString.Empty,
        FieldType.Float => 0f,
        FieldType.Double => 0d,
        _ => BoxInteger(field, Int128.Zero),
    };

    /// <summary>A new, empty instance of the message type of <paramref name="field"/>.</summary>
    public static IMessage NewMessage(FieldDescriptor field)
    {
        var parser = field.MessageType.Parser
            ?? throw new InvalidOperationException($"{field.MessageType.FullName} has no generated parser.");
        return parser.ParseFrom(ByteString.Empty);
    }

    /// <summary>How a map key is spelled as a JSON object member name (protobuf JSON mapping).</summary>
    public static string FormatMapKey(object key) => key switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString() ?? string.Empty,
    };

    /// <summary>Orders map keys so output does not depend on insertion order: ordinal strings, numeric integers.</summary>
    public static int CompareMapKeys(object? x, object? y) => (x, y) switch
    {
        (string a, string b) => string.CompareOrdinal(a, b),
        (IComparable a, _) => a.CompareTo(y),
        _ => 0,
    };
}
