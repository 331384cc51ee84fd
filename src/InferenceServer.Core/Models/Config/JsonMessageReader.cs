using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Reads protobuf JSON into a generated message by descriptor, accepting what <see cref="ModelConfigJsonWriter"/>
/// writes plus the rest of the protobuf JSON mapping: camelCase (json_name) member names, 64-bit integers as
/// numbers or strings, enums by name or number, "NaN"/"Infinity" for floats, and <c>null</c> for "leave unset".
/// Unknown members, a member given twice (under either name), two members of one oneof, wrong value kinds and
/// out-of-range numbers are errors naming the JSON path, the field, and the 1-based line and column.
/// </summary>
internal ref struct JsonMessageReader
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow };

    private readonly ReadOnlySpan<byte> _json;
    private readonly string _source;
    private readonly List<string> _path = [];
    private Utf8JsonReader _reader;
    private string? _field;

    public JsonMessageReader(ReadOnlySpan<byte> utf8Json, string source)
    {
        // A UTF-8 byte order mark is allowed before JSON text (RFC 8259 §8.1) but Utf8JsonReader rejects it.
        _json = utf8Json.StartsWith("\uFEFF"u8) ? utf8Json[3..] : utf8Json;
        _source = source;
        _reader = new Utf8JsonReader(_json, Options);
    }

    public void ReadInto(IMessage target)
    {
        try
        {
            // Utf8JsonReader only says "no tokens" for this; a config-specific message is clearer.
            if (_json.Trim(" \t\r\n"u8).IsEmpty)
            {
                throw Error(0, "the JSON text is empty");
            }

            _ = _reader.Read();

            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(_reader.TokenStartIndex, $"expected a JSON object for {target.Descriptor.FullName}, got {Describe()}");
            }

            ReadMessageBody(target);

            // Reading past the end makes Utf8JsonReader reject anything after the top-level object.
            _ = _reader.Read();
        }
        catch (JsonException e)
        {
            // A syntax error: Utf8JsonReader reports 0-based positions and appends them to its message.
            var message = e.Message;
            var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix >= 0)
            {
                message = message[..suffix];
            }

            throw new ConfigParseException(new ConfigParseError(
                _source, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, _field, $"invalid JSON: {message}")
            {
                JsonPath = JsonPath(),
            });
        }
    }

    private void ReadMessageBody(IMessage message)
    {
        var descriptor = message.Descriptor;
        var enclosingField = _field;
        List<FieldDescriptor>? seen = null;
        List<FieldDescriptor>? setOneofMembers = null;
        while (Next() == JsonTokenType.PropertyName)
        {
            var nameStart = _reader.TokenStartIndex;
            var name = _reader.GetString()!;
            var field = FindField(descriptor, name);
            _field = name;
            if (field is null)
            {
                _path.Add(Member(name));
                throw Error(nameStart, $"unknown field '{name}' in {descriptor.FullName}");
            }

            _path.Add(Member(field.Name));
            seen ??= [];
            if (seen.Contains(field))
            {
                throw Error(nameStart, $"field '{field.Name}' is specified more than once in {descriptor.FullName}");
            }

            seen.Add(field);
            Next();

            // A member set to null counts as absent in protobuf JSON: it stays unset and takes no oneof slot.
            if (_reader.TokenType != JsonTokenType.Null)
            {
                if (field.RealContainingOneof is { } oneof)
                {
                    setOneofMembers ??= [];
                    foreach (var other in setOneofMembers)
                    {
                        if (other.RealContainingOneof == oneof)
                        {
                            throw Error(nameStart, $"field '{field.Name}' conflicts with field '{other.Name}': both belong to oneof '{oneof.Name}' in {descriptor.FullName}");
                        }
                    }

                    setOneofMembers.Add(field);
                }

                ReadField(message, field);
            }

            _path.RemoveAt(_path.Count - 1);
            _field = enclosingField;
        }
    }

    private void ReadField(IMessage message, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            ReadMap((IDictionary)field.Accessor.GetValue(message), field);
        }
        else if (field.IsRepeated)
        {
            if (_reader.TokenType != JsonTokenType.StartArray)
            {
                throw Error(_reader.TokenStartIndex, $"field '{field.Name}' (repeated {ProtoFieldTypes.TypeName(field)}) expects a JSON array, got {Describe()}");
            }

            var list = (IList)field.Accessor.GetValue(message);
            for (var index = 0; Next() != JsonTokenType.EndArray; index++)
            {
                _path.Add($"[{index}]");
                _field = field.Name;
                if (_reader.TokenType == JsonTokenType.Null)
                {
                    throw Error(_reader.TokenStartIndex, $"field '{field.Name}' may not contain null elements");
                }

                list.Add(ReadValue(field, field.Name));
                _path.RemoveAt(_path.Count - 1);
            }
        }
        else
        {
            field.Accessor.SetValue(message, ReadValue(field, field.Name));
        }
    }

    private void ReadMap(IDictionary map, FieldDescriptor field)
    {
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            throw Error(_reader.TokenStartIndex, $"field '{field.Name}' (a map) expects a JSON object, got {Describe()}");
        }

        var keyField = field.MessageType.FindFieldByNumber(1);
        var valueField = field.MessageType.FindFieldByNumber(2);
        while (Next() == JsonTokenType.PropertyName)
        {
            var keyStart = _reader.TokenStartIndex;
            var keyText = _reader.GetString()!;
            _path.Add(Member(keyText));
            _field = field.Name;
            var key = ParseMapKey(keyField, keyText)
                ?? throw Error(keyStart, $"map key \"{keyText}\" of field '{field.Name}' is not a valid {ProtoFieldTypes.TypeName(keyField)}");
            if (map.Contains(key))
            {
                throw Error(keyStart, $"map key \"{keyText}\" of field '{field.Name}' is given more than once");
            }

            Next();
            if (_reader.TokenType == JsonTokenType.Null)
            {
                throw Error(_reader.TokenStartIndex, $"map field '{field.Name}' may not contain null values");
            }

            map[key] = ReadValue(valueField, field.Name);
            _path.RemoveAt(_path.Count - 1);
        }
    }

    /// <summary>Reads the current value token as a value of <paramref name="field"/>'s type (one element for repeated fields).</summary>
    private object ReadValue(FieldDescriptor field, string displayName)
    {
        var start = _reader.TokenStartIndex;
        var token = _reader.TokenType;
        switch (field.FieldType)
        {
            case FieldType.Message or FieldType.Group:
                if (token != JsonTokenType.StartObject)
                {
                    throw Error(start, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a JSON object, got {Describe()}");
                }

                var message = ProtoFieldTypes.NewMessage(field);
                ReadMessageBody(message);
                return message;
            case FieldType.Bool:
                return token switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw Error(start, $"field '{displayName}' (bool) expects true or false, got {Describe()}"),
                };
            case FieldType.String:
                return token == JsonTokenType.String
                    ? _reader.GetString()!
                    : throw Error(start, $"field '{displayName}' (string) expects a JSON string, got {Describe()}");
            case FieldType.Bytes:
                return token == JsonTokenType.String && TryDecodeBase64(_reader.GetString()!, out var bytes)
                    ? ByteString.CopyFrom(bytes)
                    : throw Error(start, $"field '{displayName}' (bytes) expects a base64 string, got {Describe()}");
            case FieldType.Float:
                return (float)ReadFloatingPoint(field, displayName);
            case FieldType.Double:
                return ReadFloatingPoint(field, displayName);
            case FieldType.Enum when token == JsonTokenType.String:
                var name = _reader.GetString()!;
                var value = field.EnumType.FindValueByName(name)
                    ?? throw Error(start, $"unknown value '{name}' for field '{displayName}' ({field.EnumType.FullName})");
                return value.Number;
            default:
                return ProtoFieldTypes.BoxInteger(field, ReadInteger(field, displayName));
        }
    }

    /// <summary>An integer given as a JSON number or a string, in decimal, possibly with an exponent if integral.</summary>
    private Int128 ReadInteger(FieldDescriptor field, string displayName)
    {
        var start = _reader.TokenStartIndex;
        _ = ProtoFieldTypes.TryGetIntegerRange(field, out var min, out var max);
        string text;
        if (_reader.TokenType == JsonTokenType.Number)
        {
            text = Encoding.UTF8.GetString(_reader.ValueSpan);
        }
        else if (_reader.TokenType == JsonTokenType.String)
        {
            text = _reader.GetString()!;
        }
        else
        {
            var expected = field.FieldType == FieldType.Enum ? "an enum name or number" : "an integer";
            throw Error(start, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects {expected}, got {Describe()}");
        }

        if (!Int128.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            // 1e3 and 5.0 are integers too; anything with a fraction is not.
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                || !double.IsFinite(number) || Math.Floor(number) != number)
            {
                throw Error(start, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects an integer, got {Describe()}");
            }

            value = Math.Abs(number) < 1e38 ? (Int128)number : (number < 0 ? Int128.MinValue : Int128.MaxValue);
        }

        if (value < min || value > max)
        {
            throw Error(start, $"value {text} is out of range for field '{displayName}' ({ProtoFieldTypes.TypeName(field)})");
        }

        return value;
    }

    /// <summary>A float or double given as a JSON number, a numeric string, or "NaN"/"Infinity"/"-Infinity".</summary>
    private double ReadFloatingPoint(FieldDescriptor field, string displayName)
    {
        var start = _reader.TokenStartIndex;
        double value;
        if (_reader.TokenType == JsonTokenType.Number)
        {
            value = _reader.GetDouble();
        }
        else if (_reader.TokenType == JsonTokenType.String)
        {
            var text = _reader.GetString()!;
            value = text switch
            {
                "NaN" => double.NaN,
                "Infinity" => double.PositiveInfinity,
                "-Infinity" => double.NegativeInfinity,
                _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) => parsed,
                _ => throw Error(start, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a number, got {Describe()}"),
            };
        }
        else
        {
            throw Error(start, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a number, got {Describe()}");
        }

        if (field.FieldType == FieldType.Float && double.IsFinite(value) && Math.Abs(value) > float.MaxValue)
        {
            throw Error(start, $"value {value.ToString(CultureInfo.InvariantCulture)} is out of range for field '{displayName}' (float)");
        }

        return value;
    }

    private static object? ParseMapKey(FieldDescriptor keyField, string text)
    {
        switch (keyField.FieldType)
        {
            case FieldType.String:
                return text;
            case FieldType.Bool:
                return text switch
                {
                    "true" => true,
                    "false" => false,
                    _ => null,
                };
            default:
                _ = ProtoFieldTypes.TryGetIntegerRange(keyField, out var min, out var max);
                return Int128.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                    ? ProtoFieldTypes.BoxInteger(keyField, value)
                    : null;
        }
    }

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        // Protobuf JSON accepts the standard and the URL-safe alphabet, with or without padding.
        var normalized = text.Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
        var buffer = new byte[normalized.Length * 3 / 4];
        if (Convert.TryFromBase64String(normalized, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }

    private static FieldDescriptor? FindField(MessageDescriptor descriptor, string name)
    {
        var field = descriptor.FindFieldByName(name);
        if (field is not null)
        {
            return field;
        }

        foreach (var candidate in descriptor.Fields.InDeclarationOrder())
        {
            if (candidate.JsonName == name)
            {
                return candidate;
            }
        }

        return null;
    }

    private JsonTokenType Next()
    {
        _ = _reader.Read();
        return _reader.TokenType;
    }

    private readonly string Describe()
    {
        return _reader.TokenType switch
        {
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "an array",
            JsonTokenType.String => $"string \"{Truncate(Encoding.UTF8.GetString(_reader.ValueSpan))}\"",
            JsonTokenType.Number => $"number {Truncate(Encoding.UTF8.GetString(_reader.ValueSpan))}",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.Null => "null",
            _ => _reader.TokenType.ToString(),
        };

        static string Truncate(string text) => text.Length > 40 ? string.Concat(text.AsSpan(0, 40), "...") : text;
    }

    private static string Member(string name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return $"['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
            }
        }

        return name.Length == 0 ? "['']" : "." + name;
    }

    private readonly string JsonPath() => "$" + string.Concat(_path);

    private readonly ConfigParseException Error(long byteOffset, string message)
    {
        // Line and column of the byte offset; the column counts characters, not bytes.
        var before = _json[..(int)Math.Min(byteOffset, _json.Length)];
        var lastNewline = before.LastIndexOf((byte)'\n');
        var line = before.Count((byte)'\n') + 1;
        var column = 1;
        foreach (var b in before[(lastNewline + 1)..])
        {
            if ((b & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return new ConfigParseException(new ConfigParseError(_source, line, column, _field, message) { JsonPath = JsonPath() });
    }
}
