using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Recursive-descent reader for the protobuf text format, driven only by descriptors so it fills any
/// generated message. Grammar (as the reference C++ <c>TextFormat::Parser</c> accepts it):
/// <code>
/// message := { field [ "," | ";" ] }
/// field   := name ":" scalar | name [":"] block | name ":" "[" [ scalar { "," scalar } ] "]"
///          | name [":"] "[" [ block { "," block } ] "]"
/// block   := "{" message "}" | "&lt;" message "&gt;"
/// scalar  := ["-"] number | identifier | string { string }
/// </code>
/// Map fields are repeated <c>{ key: k value: v }</c> blocks. A singular field given twice is an error
/// whatever its first value, so a proto3 default cannot hide a duplicate.
/// Errors are thrown as <see cref="ConfigParseException"/> and turned into a result by <see cref="ProtoTextParser"/>.
/// </summary>
internal sealed class ProtoTextReader
{
    // Deep enough for every real config (ModelConfig nests about six levels); bounds the recursion on hostile input.
    private const int MaxDepth = 64;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ProtoTextTokenizer _tokens;
    private readonly ArrayBufferWriter<byte> _stringBuffer = new();
    private int _depth;

    public ProtoTextReader(string text, string source)
    {
        _tokens = new ProtoTextTokenizer(text, source);
    }

    public void ReadInto(IMessage target) => ReadFields(target, closer: '\0', open: default, openField: null);

    private void ReadFields(IMessage message, char closer, ProtoTextToken open, string? openField)
    {
        var descriptor = message.Descriptor;
        List<FieldDescriptor>? seen = null;
        while (true)
        {
            var token = _tokens.Current;
            if (AtBlockEnd(token, closer, open, openField))
            {
                return;
            }

            var name = _tokens.TextOf(token).ToString();
            var field = descriptor.FindFieldByName(name)
                ?? throw _tokens.Error(token, name, $"unknown field '{name}' in {descriptor.FullName}");
            _tokens.Field = name;
            _tokens.Next();
            ReadField(message, field, token, ref seen);
            _ = _tokens.TryConsume(';') || _tokens.TryConsume(',');
        }
    }

    /// <summary>
    /// True (and the closer consumed) when <paramref name="token"/> ends the current block; throws for
    /// anything that can neither end the block nor start a field.
    /// </summary>
    private bool AtBlockEnd(ProtoTextToken token, char closer, ProtoTextToken open, string? openField)
    {
        switch (token.Kind)
        {
            case ProtoTextTokenKind.Identifier:
                return false;
            case ProtoTextTokenKind.End when closer == '\0':
                return true;
            case ProtoTextTokenKind.End:
                throw _tokens.Error(open, openField, $"missing '{closer}' to close field '{openField}' before end of file");
            case ProtoTextTokenKind.Symbol:
                var c = _tokens.TextOf(token)[0];
                if (c == closer)
                {
                    _tokens.Next();
                    return true;
                }

                if (c is '}' or '>')
                {
                    throw closer == '\0'
                        ? _tokens.Error(token, null, $"unexpected '{c}' with no open block")
                        : _tokens.Error(token, openField, $"expected '{closer}' to close field '{openField}', got '{c}'");
                }

                if (c == '[')
                {
                    throw _tokens.Error(token, openField, "extension and Any field names ('[...]') are not supported");
                }

                break;
        }

        throw _tokens.Error(token, openField, $"expected a field name, got {Describe(token)}");
    }

    private void ReadField(IMessage message, FieldDescriptor field, ProtoTextToken nameToken, ref List<FieldDescriptor>? seen)
    {
        ConsumeSeparator(field, field.Name);
        if (field.IsRepeated)
        {
            if (!_tokens.TryConsume('['))
            {
                ReadElement(message, field);
                return;
            }

            if (_tokens.TryConsume(']'))
            {
                return;
            }

            while (true)
            {
                ReadElement(message, field);
                if (_tokens.TryConsume(']'))
                {
                    return;
                }

                if (!_tokens.TryConsume(','))
                {
                    throw _tokens.Error(_tokens.Current, field.Name, $"expected ',' or ']' in the list for field '{field.Name}', got {Describe(_tokens.Current)}");
                }
            }
        }

        RejectList(field.Name);
        seen ??= [];
        var descriptor = message.Descriptor;
        if (seen.Contains(field))
        {
            throw _tokens.Error(nameToken, field.Name, $"field '{field.Name}' is specified more than once in {descriptor.FullName}");
        }

        var oneof = field.RealContainingOneof;
        if (oneof is not null)
        {
            foreach (var other in seen)
            {
                if (other.RealContainingOneof == oneof)
                {
                    throw _tokens.Error(nameToken, field.Name,
                        $"field '{field.Name}' conflicts with field '{other.Name}': both belong to oneof '{oneof.Name}' in {descriptor.FullName}");
                }
            }
        }

        seen.Add(field);
        var value = ProtoFieldTypes.IsMessage(field) ? ReadBlock(field, field.Name) : ReadScalar(field, field.Name);
        field.Accessor.SetValue(message, value);
    }

    private void ReadElement(IMessage message, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            var (key, value) = ReadMapEntry(field);
            ((IDictionary)field.Accessor.GetValue(message))[key] = value;
            return;
        }

        var element = ProtoFieldTypes.IsMessage(field) ? ReadBlock(field, field.Name) : ReadScalar(field, field.Name);
        ((IList)field.Accessor.GetValue(message)).Add(element);
    }

    /// <summary>
    /// Reads one <c>{ key: k value: v }</c> block of a map field. Missing halves take their defaults, as in the
    /// reference parser; a key given twice in the same map keeps the last value, as Triton does.
    /// </summary>
    private (object Key, object Value) ReadMapEntry(FieldDescriptor mapField)
    {
        var entry = mapField.MessageType;
        var keyField = entry.FindFieldByNumber(1);
        var valueField = entry.FindFieldByNumber(2);
        var (open, closer) = OpenBlock(mapField, mapField.Name);
        object? key = null;
        object? value = null;
        while (true)
        {
            var token = _tokens.Current;
            if (AtBlockEnd(token, closer, open, mapField.Name))
            {
                break;
            }

            var name = _tokens.TextOf(token).ToString();
            var field = name switch
            {
                "key" => keyField,
                "value" => valueField,
                _ => throw _tokens.Error(token, name, $"unknown field '{name}' in {entry.FullName} (a map entry of '{mapField.Name}' has only 'key' and 'value')"),
            };
            var displayName = $"{mapField.Name}.{name}";
            if ((field == keyField ? key : value) is not null)
            {
                throw _tokens.Error(token, displayName, $"field '{name}' is specified more than once in {entry.FullName}");
            }

            _tokens.Field = displayName;
            _tokens.Next();
            ConsumeSeparator(field, displayName);
            RejectList(displayName);
            if (field == keyField)
            {
                key = ReadScalar(field, displayName);
            }
            else
            {
                value = ProtoFieldTypes.IsMessage(field) ? ReadBlock(field, displayName) : ReadScalar(field, displayName);
            }

            _ = _tokens.TryConsume(';') || _tokens.TryConsume(',');
        }

        _depth--;
        key ??= ProtoFieldTypes.DefaultScalar(keyField);
        value ??= ProtoFieldTypes.IsMessage(valueField) ? ProtoFieldTypes.NewMessage(valueField) : ProtoFieldTypes.DefaultScalar(valueField);
        return (key, value);
    }

    private IMessage ReadBlock(FieldDescriptor field, string displayName)
    {
        var (open, closer) = OpenBlock(field, displayName);
        var message = ProtoFieldTypes.NewMessage(field);
        ReadFields(message, closer, open, displayName);
        _depth--;
        return message;
    }

    private (ProtoTextToken Open, char Closer) OpenBlock(FieldDescriptor field, string displayName)
    {
        var open = _tokens.Current;
        var closer = _tokens.IsSymbol('{') ? '}' : _tokens.IsSymbol('<') ? '>' : '\0';
        if (closer == '\0')
        {
            throw _tokens.Error(open, displayName, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a '{{' block, got {Describe(open)}");
        }

        if (++_depth > MaxDepth)
        {
            throw _tokens.Error(open, displayName, $"messages are nested more than {MaxDepth} levels deep");
        }

        _tokens.Next();
        return (open, closer);
    }

    /// <summary>A scalar needs ':' before its value; for a message block the ':' is optional.</summary>
    private void ConsumeSeparator(FieldDescriptor field, string displayName)
    {
        if (!_tokens.TryConsume(':') && !ProtoFieldTypes.IsMessage(field))
        {
            throw _tokens.Error(_tokens.Current, displayName, $"expected ':' after field '{displayName}', got {Describe(_tokens.Current)}");
        }
    }

    private void RejectList(string displayName)
    {
        if (_tokens.IsSymbol('['))
        {
            throw _tokens.Error(_tokens.Current, displayName, $"field '{displayName}' is not repeated; list syntax '[...]' is not allowed");
        }
    }

    private object ReadScalar(FieldDescriptor field, string displayName)
    {
        switch (field.FieldType)
        {
            case FieldType.Bool:
                return ReadBool(field, displayName);
            case FieldType.Float:
                return (float)ReadDouble(field, displayName);
            case FieldType.Double:
                return ReadDouble(field, displayName);
            case FieldType.String:
                var first = _tokens.Current;
                var bytes = ReadStringBytes(field, displayName);
                try
                {
                    return StrictUtf8.GetString(bytes);
                }
                catch (DecoderFallbackException)
                {
                    throw _tokens.Error(first, displayName, $"string for field '{displayName}' is not valid UTF-8");
                }

            case FieldType.Bytes:
                return ByteString.CopyFrom(ReadStringBytes(field, displayName));
            case FieldType.Enum when _tokens.Current.Kind == ProtoTextTokenKind.Identifier:
                var token = _tokens.Current;
                var name = _tokens.TextOf(token).ToString();
                var value = field.EnumType.FindValueByName(name)
                    ?? throw _tokens.Error(token, displayName, $"unknown value '{name}' for field '{displayName}' ({field.EnumType.FullName})");
                _tokens.Next();
                return value.Number;
            default:
                // Integers, and enums given by number: proto3 enums are open, so any int32 is kept as the reference does.
                return ProtoFieldTypes.BoxInteger(field, ReadInteger(field, displayName));
        }
    }

    private Int128 ReadInteger(FieldDescriptor field, string displayName)
    {
        var start = _tokens.Current;
        var negative = _tokens.TryConsume('-');
        var token = _tokens.Current;
        _ = ProtoFieldTypes.TryGetIntegerRange(field, out var min, out var max);
        if (token.Kind != ProtoTextTokenKind.Integer)
        {
            var expected = field.FieldType == FieldType.Enum ? "an enum name or number" : "an integer";
            throw _tokens.Error(start, displayName, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects {expected}, got {Describe(token)}");
        }

        var value = Int128.Zero;
        var inRange = TryParseMagnitude(_tokens.TextOf(token), out var magnitude);
        if (inRange)
        {
            value = negative ? -magnitude : magnitude;
            inRange = value >= min && value <= max;
        }

        if (!inRange)
        {
            var text = (negative ? "-" : string.Empty) + _tokens.TextOf(token).ToString();
            throw _tokens.Error(start, displayName, $"value {text} is out of range for field '{displayName}' ({ProtoFieldTypes.TypeName(field)})");
        }

        _tokens.Next();
        return value;
    }

    private double ReadDouble(FieldDescriptor field, string displayName)
    {
        var start = _tokens.Current;
        var negative = _tokens.TryConsume('-');
        var token = _tokens.Current;
        var text = _tokens.TextOf(token);
        double value;
        switch (token.Kind)
        {
            case ProtoTextTokenKind.Float:
                value = double.Parse(text.TrimEnd("fF"), NumberStyles.Float, CultureInfo.InvariantCulture);
                break;
            case ProtoTextTokenKind.Integer when text.Length > 1 && text[0] == '0':
                // Hex and octal spellings keep their integer meaning.
                value = TryParseMagnitude(text, out var magnitude)
                    ? (double)magnitude
                    : throw _tokens.Error(start, displayName, $"value {text} is out of range for field '{displayName}' ({ProtoFieldTypes.TypeName(field)})");
                break;
            case ProtoTextTokenKind.Integer:
                value = double.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
                break;
            case ProtoTextTokenKind.Identifier when text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinity", StringComparison.OrdinalIgnoreCase):
                value = double.PositiveInfinity;
                break;
            case ProtoTextTokenKind.Identifier when text.Equals("nan", StringComparison.OrdinalIgnoreCase):
                value = double.NaN;
                break;
            default:
                throw _tokens.Error(start, displayName, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a number, got {Describe(token)}");
        }

        _tokens.Next();
        return negative ? -value : value;
    }

    private bool ReadBool(FieldDescriptor field, string displayName)
    {
        var token = _tokens.Current;
        var text = _tokens.TextOf(token);
        bool? value = token.Kind switch
        {
            ProtoTextTokenKind.Identifier when text is "true" or "True" or "t" => true,
            ProtoTextTokenKind.Identifier when text is "false" or "False" or "f" => false,
            ProtoTextTokenKind.Integer when TryParseMagnitude(text, out var number) && number <= 1 => number == 1,
            _ => null,
        };
        if (value is null)
        {
            throw _tokens.Error(token, displayName, $"field '{displayName}' (bool) expects true or false, got {Describe(token)}");
        }

        _tokens.Next();
        return value.Value;
    }

    /// <summary>Reads one or more adjacent string literals (they concatenate, as in C) into raw bytes.</summary>
    private byte[] ReadStringBytes(FieldDescriptor field, string displayName)
    {
        var token = _tokens.Current;
        if (token.Kind != ProtoTextTokenKind.String)
        {
            throw _tokens.Error(token, displayName, $"field '{displayName}' ({ProtoFieldTypes.TypeName(field)}) expects a quoted string, got {Describe(token)}");
        }

        _stringBuffer.ResetWrittenCount();
        while (_tokens.Current.Kind == ProtoTextTokenKind.String)
        {
            _tokens.DecodeString(_tokens.Current, _stringBuffer);
            _tokens.Next();
        }

        return _stringBuffer.WrittenSpan.ToArray();
    }

    /// <summary>Parses a tokenizer-validated integer (decimal, <c>0x</c> hex or leading-zero octal) without its sign.</summary>
    private static bool TryParseMagnitude(ReadOnlySpan<char> text, out Int128 value)
    {
        if (text.Length > 2 && text[0] == '0' && (text[1] is 'x' or 'X'))
        {
            var inRange = UInt128.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex)
                && hex <= (UInt128)Int128.MaxValue;
            value = inRange ? (Int128)hex : Int128.Zero;
            return inRange;
        }

        if (text.Length > 1 && text[0] == '0')
        {
            value = 0;
            foreach (var digit in text)
            {
                if (value > (Int128.MaxValue >> 3))
                {
                    return false;
                }

                value = (value << 3) + (digit - '0');
            }

            return true;
        }

        return Int128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private string Describe(ProtoTextToken token)
    {
        if (token.Kind == ProtoTextTokenKind.End)
        {
            return "end of file";
        }

        var text = _tokens.TextOf(token);
        if (text.Length > 40)
        {
            text = text[..40];
        }

        return token.Kind == ProtoTextTokenKind.String ? text.ToString() : $"'{text}'";
    }
}
