using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Writes a message as the JSON Triton prints for a model configuration (<c>ModelConfigToJson</c>): protobuf
/// JSON with proto field names, every field without presence printed even when it holds its default (empty
/// repeated fields as <c>[]</c>, empty maps as <c>{}</c>), enums by name, 64-bit integers as JSON numbers rather
/// than protobuf's strings, and unset sub-messages and oneof members left out, since clients detect features
/// such as <c>dynamic_batching</c> by the key's presence. Fields come in .proto declaration order, the order
/// Triton's output shows; map entries are sorted by key so output does not depend on insertion order.
/// Works for any generated message, by descriptor.
/// </summary>
public static class ModelConfigJsonWriter
{
    // Non-ASCII text (names, file paths) is written as UTF-8 rather than \u escapes, as protobuf's printer does.
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>Writes <paramref name="message"/> as one JSON object value at the writer's current position.</summary>
    public static void Write(Utf8JsonWriter writer, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(message);
        WriteMessage(writer, message);
    }

    /// <summary>Writes <paramref name="message"/> as a complete UTF-8 JSON document into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, IMessage message, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, indented ? IndentedOptions : CompactOptions);
        Write(writer, message);
        writer.Flush();
    }

    /// <summary>The JSON document as UTF-8 bytes.</summary>
    public static byte[] ToUtf8Bytes(IMessage message, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, message, indented);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The JSON document as a string, for logs and tests.</summary>
    public static string ToJsonString(IMessage message, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        Write(buffer, message, indented);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteMessage(Utf8JsonWriter writer, IMessage message)
    {
        writer.WriteStartObject();
        foreach (var field in message.Descriptor.Fields.InDeclarationOrder())
        {
            if (field.IsMap)
            {
                writer.WritePropertyName(field.Name);
                WriteMap(writer, field, (IDictionary)field.Accessor.GetValue(message));
            }
            else if (field.IsRepeated)
            {
                writer.WritePropertyName(field.Name);
                writer.WriteStartArray();
                foreach (var element in (IList)field.Accessor.GetValue(message))
                {
                    WriteValue(writer, field, element);
                }

                writer.WriteEndArray();
            }
            else if (!field.HasPresence || field.Accessor.HasValue(message))
            {
                // Fields with presence are sub-messages and oneof members: written only when set.
                writer.WritePropertyName(field.Name);
                WriteValue(writer, field, field.Accessor.GetValue(message));
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter writer, FieldDescriptor field, IDictionary map)
    {
        var valueField = field.MessageType.FindFieldByNumber(2);
        var keys = new object[map.Count];
        map.Keys.CopyTo(keys, 0);
        Array.Sort(keys, ProtoFieldTypes.CompareMapKeys);
        writer.WriteStartObject();
        foreach (var key in keys)
        {
            writer.WritePropertyName(ProtoFieldTypes.FormatMapKey(key));
            WriteValue(writer, valueField, map[key]);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, FieldDescriptor field, object? value)
    {
        switch (field.FieldType)
        {
            case FieldType.Bool:
                writer.WriteBooleanValue((bool)value!);
                break;
            case FieldType.String:
                writer.WriteStringValue((string)value!);
                break;
            case FieldType.Bytes:
                writer.WriteBase64StringValue(((ByteString)value!).Span);
                break;
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                writer.WriteNumberValue((int)value!);
                break;
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                writer.WriteNumberValue((long)value!);
                break;
            case FieldType.UInt32 or FieldType.Fixed32:
                writer.WriteNumberValue((uint)value!);
                break;
            case FieldType.UInt64 or FieldType.Fixed64:
                writer.WriteNumberValue((ulong)value!);
                break;
            case FieldType.Float:
                WriteFloatingPoint(writer, (float)value!);
                break;
            case FieldType.Double:
                WriteFloatingPoint(writer, (double)value!);
                break;
            case FieldType.Enum:
                // Generated enums are int-backed, so the boxed enum unboxes as its number.
                var number = (int)value!;
                var name = field.EnumType.FindValueByNumber(number)?.Name;
                if (name is null)
                {
                    writer.WriteNumberValue(number);
                }
                else
                {
                    writer.WriteStringValue(name);
                }

                break;
            default:
                WriteMessage(writer, (IMessage)value!);
                break;
        }
    }

    private static void WriteFloatingPoint(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            Span<byte> text = stackalloc byte[32];
            _ = value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
            WriteNumberText(writer, text[..length]);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    private static void WriteFloatingPoint(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            // "R" gives the shortest text that reads back as the same float, as protobuf's printer does.
            Span<byte> text = stackalloc byte[32];
            _ = value.TryFormat(text, out var length, "R", CultureInfo.InvariantCulture);
            WriteNumberText(writer, text[..length]);
        }
        else
        {
            WriteNonFinite(writer, value);
        }
    }

    /// <summary>Writes formatted number text with a lower-case exponent marker (1e+20), as C and protobuf print it.</summary>
    private static void WriteNumberText(Utf8JsonWriter writer, Span<byte> text)
    {
        var exponent = text.IndexOf((byte)'E');
        if (exponent >= 0)
        {
            text[exponent] = (byte)'e';
        }

        writer.WriteRawValue(text, skipInputValidation: true);
    }

    // JSON has no literal for these; protobuf JSON spells them as strings.
    private static void WriteNonFinite(Utf8JsonWriter writer, double value) =>
        writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
}
