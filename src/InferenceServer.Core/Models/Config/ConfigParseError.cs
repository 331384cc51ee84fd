namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Why a model configuration could not be read, and where: the source (a file path or a label such as
/// "config override"), the 1-based line and column, the field involved, and for JSON input the JSON path.
/// </summary>
/// <param name="Source">The file path or label the text came from, printed as given.</param>
/// <param name="Line">1-based line of the offending token.</param>
/// <param name="Column">1-based column of the offending token, counted in characters (in bytes for JSON syntax errors).</param>
/// <param name="Field">
/// The protobuf field being read (for a map, <c>name.key</c> or <c>name.value</c> in text format), or null when the
/// error is outside any field. A lexical error just after a value names the field that value belonged to.
/// </param>
/// <param name="Message">What is wrong, without the location prefix.</param>
public sealed record ConfigParseError(string Source, int Line, int Column, string? Field, string Message)
{
    /// <summary>The JSON path of the offending value (for example <c>$.input[0].dims[1]</c>); null for protobuf text.</summary>
    public string? JsonPath { get; init; }

    /// <summary>The compiler-style form, <c>config.pbtxt:12:3: unknown field 'x' in inference.ModelConfig</c>.</summary>
    public override string ToString() => JsonPath is null
        ? $"{Source}:{Line}:{Column}: {Message}"
        : $"{Source}:{Line}:{Column}: {JsonPath}: {Message}";
}
