namespace InferenceServer.Core.Models.Config;

/// <summary>The lexical classes of the protobuf text format, as the reference C++ tokenizer defines them.</summary>
internal enum ProtoTextTokenKind
{
    /// <summary>End of input.</summary>
    End,

    /// <summary><c>[A-Za-z_][A-Za-z0-9_]*</c>: field names, enum names, <c>true</c>, <c>inf</c>.</summary>
    Identifier,

    /// <summary>Decimal, <c>0x</c> hex or leading-zero octal digits; the sign is a separate <c>-</c> symbol.</summary>
    Integer,

    /// <summary>Digits with a fraction, an exponent or an <c>f</c> suffix.</summary>
    Float,

    /// <summary>A single- or double-quoted literal with C escapes, quotes included.</summary>
    String,

    /// <summary>Any other single character: <c>{ } &lt; &gt; [ ] : , ; -</c> and strays.</summary>
    Symbol,
}
