using System.Buffers;
using System.Text;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Splits protobuf text format into tokens with one token of lookahead (<see cref="Current"/>).
/// The lexical rules follow the reference C++ tokenizer so that every config.pbtxt Triton accepts is
/// accepted here: <c>#</c> comments, <c>'</c> or <c>"</c> strings that may not span lines, C escapes,
/// hex and octal integers, floats with an optional <c>f</c> suffix, and a number may not run into an
/// identifier. Literal values are only validated here; the reader converts them once it knows the field.
/// </summary>
internal sealed class ProtoTextTokenizer
{
    private readonly string _text;
    private readonly string _source;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public ProtoTextTokenizer(string text, string source)
    {
        _text = text;
        _source = source;

        // Tolerate a byte order mark that survived decoding; it is not part of the first line's columns.
        if (text.StartsWith('\uFEFF'))
        {
            _position = _lineStart = 1;
        }

        Next();
    }

    public ProtoTextToken Current { get; private set; }

    /// <summary>
    /// The field whose value is being read, so that a lexical error (an unterminated string, a bad number)
    /// still names the field it belongs to. The reader keeps it up to date.
    /// </summary>
    public string? Field { get; set; }

    public string Source => _source;

    public ReadOnlySpan<char> TextOf(ProtoTextToken token) => _text.AsSpan(token.Start, token.Length);

    /// <summary>True when the current token is the single-character symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(char symbol) =>
        Current.Kind == ProtoTextTokenKind.Symbol && _text[Current.Start] == symbol;

    public bool TryConsume(char symbol)
    {
        if (!IsSymbol(symbol))
        {
            return false;
        }

        Next();
        return true;
    }

    public void Next()
    {
        SkipWhitespaceAndComments();
        var start = _position;
        var line = _line;
        var column = start - _lineStart + 1;
        if (_position >= _text.Length)
        {
            Current = new ProtoTextToken(ProtoTextTokenKind.End, start, 0, line, column);
            return;
        }

        var c = _text[_position];
        ProtoTextTokenKind kind;
        if (IsLetter(c))
        {
            _position++;
            while (_position < _text.Length && IsLetterOrDigit(_text[_position]))
            {
                _position++;
            }

            kind = ProtoTextTokenKind.Identifier;
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1])))
        {
            kind = ScanNumber();
        }
        else if (c is '"' or '\'')
        {
            ScanString(c);
            kind = ProtoTextTokenKind.String;
        }
        else
        {
            _position++;
            kind = ProtoTextTokenKind.Symbol;
        }

        Current = new ProtoTextToken(kind, start, _position - start, line, column);
    }

    /// <summary>
    /// Appends the bytes a validated string literal stands for: literal characters as UTF-8, escapes as
    /// the raw bytes or code points they name (so octal and hex escapes can build any byte sequence).
    /// </summary>
    public void DecodeString(ProtoTextToken token, ArrayBufferWriter<byte> output)
    {
        var body = _text.AsSpan(token.Start + 1, token.Length - 2);
        var i = 0;
        while (i < body.Length)
        {
            var run = body[i..].IndexOf('\\');
            var literal = run < 0 ? body[i..] : body.Slice(i, run);
            if (!literal.IsEmpty)
            {
                var written = Encoding.UTF8.GetBytes(literal, output.GetSpan(Encoding.UTF8.GetMaxByteCount(literal.Length)));
                output.Advance(written);
                i += literal.Length;
                continue;
            }

            i += DecodeEscape(body, i, output);
        }
    }

    /// <summary>Builds the error for the current token's position, naming <see cref="Field"/>.</summary>
    public ConfigParseException Error(ProtoTextToken token, string? field, string message) =>
        new(new ConfigParseError(_source, token.Line, token.Column, field, message));

    private ConfigParseException ErrorAt(int position, string message) =>
        new(new ConfigParseError(_source, _line, position - _lineStart + 1, Field, message));

    private void SkipWhitespaceAndComments()
    {
        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (c == '\n')
            {
                _position++;
                _line++;
                _lineStart = _position;
            }
            else if (c is ' ' or '\t' or '\r' or '\v' or '\f')
            {
                _position++;
            }
            else if (c == '#')
            {
                var end = _text.AsSpan(_position).IndexOf('\n');
                _position = end < 0 ? _text.Length : _position + end;
            }
            else
            {
                return;
            }
        }
    }

    private ProtoTextTokenKind ScanNumber()
    {
        var start = _position;
        if (_text[_position] == '0' && _position + 1 < _text.Length && (_text[_position + 1] is 'x' or 'X'))
        {
            _position += 2;
            if (_position >= _text.Length || !char.IsAsciiHexDigit(_text[_position]))
            {
                throw ErrorAt(start, "'0x' must be followed by hex digits");
            }

            SkipWhile(char.IsAsciiHexDigit);
            EnsureNotFollowedByIdentifier();
            return ProtoTextTokenKind.Integer;
        }

        if (_text[_position] == '0' && _position + 1 < _text.Length && char.IsAsciiDigit(_text[_position + 1]))
        {
            SkipWhile(char.IsAsciiDigit);
            foreach (var digit in _text.AsSpan(start, _position - start))
            {
                if (digit is '8' or '9')
                {
                    throw ErrorAt(start, "numbers starting with a leading zero must be octal");
                }
            }

            EnsureNotFollowedByIdentifier();
            return ProtoTextTokenKind.Integer;
        }

        var isFloat = false;
        SkipWhile(char.IsAsciiDigit);
        if (Peek() == '.')
        {
            isFloat = true;
            _position++;
            SkipWhile(char.IsAsciiDigit);
        }

        if (Peek() is 'e' or 'E')
        {
            isFloat = true;
            _position++;
            if (Peek() is '+' or '-')
            {
                _position++;
            }

            if (!char.IsAsciiDigit(Peek()))
            {
                throw ErrorAt(start, "the exponent of a number must have digits");
            }

            SkipWhile(char.IsAsciiDigit);
        }

        if (Peek() is 'f' or 'F')
        {
            isFloat = true;
            _position++;
        }

        EnsureNotFollowedByIdentifier();
        return isFloat ? ProtoTextTokenKind.Float : ProtoTextTokenKind.Integer;
    }

    private void EnsureNotFollowedByIdentifier()
    {
        var c = Peek();
        if (IsLetterOrDigit(c) || c == '.')
        {
            throw ErrorAt(_position, "a number must be separated from the identifier or number that follows it");
        }
    }

    private void ScanString(char quote)
    {
        var start = _position;
        _position++;
        while (true)
        {
            if (_position >= _text.Length || _text[_position] == '\n')
            {
                throw ErrorAt(start, "unterminated string literal (strings may not span lines)");
            }

            var c = _text[_position];
            if (c == quote)
            {
                _position++;
                return;
            }

            if (c == '\\')
            {
                if (_position + 1 >= _text.Length || _text[_position + 1] == '\n')
                {
                    throw ErrorAt(start, "unterminated string literal (strings may not span lines)");
                }

                _position += ValidateEscape(_position);
                continue;
            }

            _position++;
        }
    }

    /// <summary>Checks the escape at <paramref name="at"/> (a backslash) and returns its length.</summary>
    private int ValidateEscape(int at)
    {
        var next = at + 1 < _text.Length ? _text[at + 1] : '\0';
        switch (next)
        {
            case 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\' or '?' or '\'' or '"':
                return 2;
            case >= '0' and <= '7':
                return 1 + CountWhile(at + 1, 3, static c => c is >= '0' and <= '7');
            case 'x' or 'X':
                var hex = CountWhile(at + 2, 2, char.IsAsciiHexDigit);
                return hex > 0 ? 2 + hex : throw ErrorAt(at, "'\\x' must be followed by hex digits");
            case 'u' or 'U':
                var digits = next == 'u' ? 4 : 8;
                if (CountWhile(at + 2, digits, char.IsAsciiHexDigit) != digits)
                {
                    throw ErrorAt(at, $"'\\{next}' must be followed by {digits} hex digits");
                }

                var codePoint = uint.Parse(_text.AsSpan(at + 2, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null);
                if (codePoint > 0x10FFFF || (codePoint is >= 0xDC00 and <= 0xDFFF))
                {
                    throw ErrorAt(at, "unicode escape is not a valid code point");
                }

                if (codePoint is >= 0xD800 and <= 0xDBFF)
                {
                    // A high surrogate is only valid as the first half of a \uD8xx\uDCxx pair.
                    var low = at + 2 + digits;
                    if (low + 6 > _text.Length || _text[low] != '\\' || _text[low + 1] != 'u'
                        || !uint.TryParse(_text.AsSpan(low + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var second)
                        || second is < 0xDC00 or > 0xDFFF)
                    {
                        throw ErrorAt(at, "unicode escape is not a valid code point");
                    }

                    return 2 + digits + 6;
                }

                return 2 + digits;
            default:
                throw ErrorAt(at, $"invalid escape sequence '\\{next}' in string literal");
        }
    }

    private static int DecodeEscape(ReadOnlySpan<char> body, int at, ArrayBufferWriter<byte> output)
    {
        var next = body[at + 1];
        byte simple = next switch
        {
            'a' => 0x07,
            'b' => 0x08,
            'f' => 0x0C,
            'n' => 0x0A,
            'r' => 0x0D,
            't' => 0x09,
            'v' => 0x0B,
            '\\' or '?' or '\'' or '"' => (byte)next,
            _ => 0,
        };
        if (simple != 0)
        {
            WriteByte(output, simple);
            return 2;
        }

        if (next is >= '0' and <= '7')
        {
            var length = 0;
            var value = 0;
            while (length < 3 && at + 1 + length < body.Length && body[at + 1 + length] is >= '0' and <= '7')
            {
                value = (value * 8) + (body[at + 1 + length] - '0');
                length++;
            }

            // Like the reference tokenizer, \400 and above wrap to one byte.
            WriteByte(output, (byte)value);
            return 1 + length;
        }

        if (next is 'x' or 'X')
        {
            var length = 0;
            var value = 0;
            while (length < 2 && at + 2 + length < body.Length && char.IsAsciiHexDigit(body[at + 2 + length]))
            {
                value = (value * 16) + HexValue(body[at + 2 + length]);
                length++;
            }

            WriteByte(output, (byte)value);
            return 2 + length;
        }

        var digits = next == 'u' ? 4 : 8;
        var codePoint = int.Parse(body.Slice(at + 2, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null);
        var consumed = 2 + digits;
        if (codePoint is >= 0xD800 and <= 0xDBFF)
        {
            var low = int.Parse(body.Slice(at + consumed + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null);
            codePoint = char.ConvertToUtf32((char)codePoint, (char)low);
            consumed += 6;
        }

        var rune = new Rune(codePoint);
        var written = rune.EncodeToUtf8(output.GetSpan(4));
        output.Advance(written);
        return consumed;
    }

    private static void WriteByte(ArrayBufferWriter<byte> output, byte value)
    {
        output.GetSpan(1)[0] = value;
        output.Advance(1);
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private void SkipWhile(Func<char, bool> predicate)
    {
        while (_position < _text.Length && predicate(_text[_position]))
        {
            _position++;
        }
    }

    private int CountWhile(int from, int max, Func<char, bool> predicate)
    {
        var count = 0;
        while (count < max && from + count < _text.Length && predicate(_text[from + count]))
        {
            count++;
        }

        return count;
    }

    private static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
