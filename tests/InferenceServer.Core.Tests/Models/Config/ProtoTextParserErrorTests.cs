using InferenceServer.Core.Models.Config;

namespace InferenceServer.Core.Tests.Models.Config;

/// <summary>Every class of malformed config.pbtxt yields a result naming the file, line, column and field.</summary>
public class ProtoTextParserErrorTests
{
    private static ConfigParseError ParseError(string text)
    {
        Assert.False(ProtoTextParser.TryParseModelConfig(text, "config.pbtxt", out var config, out var error));
        Assert.Null(config);
        return error;
    }

    private static void AssertError(string text, int line, int column, string? field, string message)
    {
        var error = ParseError(text);

        Assert.Equal(message, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal(field, error.Field);
        Assert.Equal("config.pbtxt", error.Source);
        Assert.Null(error.JsonPath);
    }

    [Fact]
    public void Parse_UnknownTopLevelField_ReportsCompilerStyleMessage()
    {
        var error = ParseError("name: \"m\"\n\nmax_batch_sizee: 8\n");

        Assert.Equal("config.pbtxt:3:1: unknown field 'max_batch_sizee' in inference.ModelConfig", error.ToString());
        Assert.Equal("max_batch_sizee", error.Field);
    }

    [Fact]
    public void Parse_UnknownNestedField_NamesNestedMessageType()
    {
        AssertError("input {\n  name: \"x\"\n  dim: [ 1 ]\n}", 3, 3, "dim", "unknown field 'dim' in inference.ModelInput");
    }

    [Theory]
    [InlineData("max_batch_size: \"8\"", 1, 17, "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got \"8\"")]
    [InlineData("max_batch_size: 1.5", 1, 17, "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got '1.5'")]
    [InlineData("max_batch_size: -x", 1, 17, "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got 'x'")]
    [InlineData("name: 5", 1, 7, "name", "field 'name' (string) expects a quoted string, got '5'")]
    [InlineData("input { optional: yes }", 1, 19, "optional", "field 'optional' (bool) expects true or false, got 'yes'")]
    [InlineData("input { optional: 2 }", 1, 19, "optional", "field 'optional' (bool) expects true or false, got '2'")]
    [InlineData("input { data_type: \"TYPE_FP32\" }", 1, 20, "data_type", "field 'data_type' (inference.DataType) expects an enum name or number, got \"TYPE_FP32\"")]
    [InlineData("model_metrics { metric_control { histogram_options { buckets: [ one ] } } }", 1, 65, "buckets", "field 'buckets' (double) expects a number, got 'one'")]
    [InlineData("version_policy: 3", 1, 17, "version_policy", "field 'version_policy' (inference.ModelVersionPolicy) expects a '{' block, got '3'")]
    [InlineData("response_cache: \"on\"", 1, 17, "response_cache", "field 'response_cache' (inference.ModelResponseCache) expects a '{' block, got \"on\"")]
    [InlineData("max_batch_size: { }", 1, 17, "max_batch_size", "field 'max_batch_size' (int32) expects an integer, got '{'")]
    [InlineData("cc_model_filenames { key: \"7.5\" value: 5 }", 1, 40, "cc_model_filenames.value", "field 'cc_model_filenames.value' (string) expects a quoted string, got '5'")]
    public void Parse_WrongValueType_ReportsFieldAndType(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Theory]
    [InlineData("max_batch_size: 2147483648", 1, 17, "max_batch_size", "value 2147483648 is out of range for field 'max_batch_size' (int32)")]
    [InlineData("max_batch_size: -2147483649", 1, 17, "max_batch_size", "value -2147483649 is out of range for field 'max_batch_size' (int32)")]
    [InlineData("dynamic_batching { max_queue_delay_microseconds: -1 }", 1, 50, "max_queue_delay_microseconds", "value -1 is out of range for field 'max_queue_delay_microseconds' (uint64)")]
    [InlineData("dynamic_batching { priority_levels: 18446744073709551616 }", 1, 37, "priority_levels", "value 18446744073709551616 is out of range for field 'priority_levels' (uint64)")]
    [InlineData("input { dims: 0x8000000000000000 }", 1, 15, "dims", "value 0x8000000000000000 is out of range for field 'dims' (int64)")]
    [InlineData("input { dims: 99999999999999999999999999999999999999999999 }", 1, 15, "dims", "value 99999999999999999999999999999999999999999999 is out of range for field 'dims' (int64)")]
    public void Parse_IntegerOutOfRange_ReportsValueAndType(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Fact]
    public void Parse_UnknownEnumName_ReportsEnumType()
    {
        AssertError("input {\n  data_type: TYPE_FP33\n}", 2, 14, "data_type", "unknown value 'TYPE_FP33' for field 'data_type' (inference.DataType)");
    }

    [Theory]
    [InlineData("max_batch_size: 0\nmax_batch_size: 8", 2, 1, "max_batch_size", "field 'max_batch_size' is specified more than once in inference.ModelConfig")]
    [InlineData("dynamic_batching {}\ndynamic_batching {}", 2, 1, "dynamic_batching", "field 'dynamic_batching' is specified more than once in inference.ModelConfig")]
    [InlineData("input { name: \"a\" name: \"a\" }", 1, 19, "name", "field 'name' is specified more than once in inference.ModelInput")]
    [InlineData("parameters { key: \"a\" key: \"b\" }", 1, 23, "parameters.key", "field 'key' is specified more than once in inference.ModelConfig.ParametersEntry")]
    public void Parse_SingularFieldTwice_ReportsSecondOccurrence(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Theory]
    [InlineData("dynamic_batching {}\nsequence_batching {}", 2, 1, "sequence_batching", "field 'sequence_batching' conflicts with field 'dynamic_batching': both belong to oneof 'scheduling_choice' in inference.ModelConfig")]
    [InlineData("version_policy { latest {} all {} }", 1, 28, "all", "field 'all' conflicts with field 'latest': both belong to oneof 'policy_choice' in inference.ModelVersionPolicy")]
    [InlineData("model_warmup { inputs { key: \"x\" value { zero_data: true random_data: true } } }", 1, 58, "random_data", "field 'random_data' conflicts with field 'zero_data': both belong to oneof 'input_data_type' in inference.ModelWarmup.Input")]
    public void Parse_TwoOneofMembers_ReportsConflict(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Theory]
    [InlineData("name: \"abc\nplatform: \"x\"", 1, 7, "name")]
    [InlineData("max_batch_size: 1\nname: 'abc", 2, 7, "name")]
    [InlineData("name: \"abc\\\nd\"", 1, 7, "name")]
    public void Parse_UnterminatedString_ReportsOpeningQuote(string text, int line, int column, string field)
    {
        AssertError(text, line, column, field, "unterminated string literal (strings may not span lines)");
    }

    [Theory]
    [InlineData("input {\n  name: \"x\"\n", 1, 7, "input", "missing '}' to close field 'input' before end of file")]
    [InlineData("dynamic_batching {\n  default_queue_policy {\n    max_queue_size: 1\n}", 1, 18, "dynamic_batching", "missing '}' to close field 'dynamic_batching' before end of file")]
    [InlineData("input < name: \"x\"", 1, 7, "input", "missing '>' to close field 'input' before end of file")]
    [InlineData("parameters { key: \"a\"", 1, 12, "parameters", "missing '}' to close field 'parameters' before end of file")]
    [InlineData("input [ { name: \"x\" }", 1, 22, "input", "expected ',' or ']' in the list for field 'input', got end of file")]
    public void Parse_UnterminatedBlock_ReportsOpeningBracket(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Theory]
    [InlineData("input < name: \"x\" }", 1, 19, "input", "expected '>' to close field 'input', got '}'")]
    [InlineData("name: \"x\" }", 1, 11, null, "unexpected '}' with no open block")]
    [InlineData("max_batch_size 8", 1, 16, "max_batch_size", "expected ':' after field 'max_batch_size', got '8'")]
    [InlineData("max_batch_size: [ 1 ]", 1, 17, "max_batch_size", "field 'max_batch_size' is not repeated; list syntax '[...]' is not allowed")]
    [InlineData("input { dims: [ 1 2 ] }", 1, 19, "dims", "expected ',' or ']' in the list for field 'dims', got '2'")]
    [InlineData("\"name\": 1", 1, 1, null, "expected a field name, got \"name\"")]
    [InlineData("input { 5 }", 1, 9, "input", "expected a field name, got '5'")]
    [InlineData("[ext.field]: 1", 1, 1, null, "extension and Any field names ('[...]') are not supported")]
    [InlineData("parameters { key: \"a\" val: { string_value: \"b\" } }", 1, 23, "val", "unknown field 'val' in inference.ModelConfig.ParametersEntry (a map entry of 'parameters' has only 'key' and 'value')")]
    public void Parse_StructuralError_ReportsPositionAndField(string text, int line, int column, string? field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Theory]
    [InlineData("name: \"a\\qb\"", 1, 9, "name", "invalid escape sequence '\\q' in string literal")]
    [InlineData("name: \"a\\x\"", 1, 9, "name", "'\\x' must be followed by hex digits")]
    [InlineData("name: \"\\u12\"", 1, 8, "name", "'\\u' must be followed by 4 hex digits")]
    [InlineData("name: \"\\uD800\"", 1, 8, "name", "unicode escape is not a valid code point")]
    [InlineData("name: \"\\xff\"", 1, 7, "name", "string for field 'name' is not valid UTF-8")]
    [InlineData("max_batch_size: 8abc", 1, 18, "max_batch_size", "a number must be separated from the identifier or number that follows it")]
    [InlineData("max_batch_size: 08", 1, 17, "max_batch_size", "numbers starting with a leading zero must be octal")]
    [InlineData("max_batch_size: 0x", 1, 17, "max_batch_size", "'0x' must be followed by hex digits")]
    [InlineData("model_metrics { metric_control { histogram_options { buckets: 1e } } }", 1, 63, "buckets", "the exponent of a number must have digits")]
    public void Parse_LexicalError_ReportsPositionAndField(string text, int line, int column, string field, string message)
    {
        AssertError(text, line, column, field, message);
    }

    [Fact]
    public void Parse_TabsAndUnicode_CountColumnsInCharacters()
    {
        AssertError("name: \"é\"\n\tplatfrm: \"x\"", 2, 2, "platfrm", "unknown field 'platfrm' in inference.ModelConfig");
    }

    [Fact]
    public void ParseModelConfig_InvalidText_ThrowsExceptionCarryingError()
    {
        var exception = Assert.Throws<ConfigParseException>(() => ProtoTextParser.ParseModelConfig("max_batch_size: x", "/models/m/config.pbtxt"));

        Assert.Equal("/models/m/config.pbtxt:1:17: field 'max_batch_size' (int32) expects an integer, got 'x'", exception.Message);
        Assert.Equal(1, exception.Error.Line);
        Assert.Equal("max_batch_size", exception.Error.Field);
    }

    [Fact]
    public void TryParse_Failure_LeavesErrorAndNoConfig()
    {
        var ok = ProtoTextParser.TryParseModelConfig("input { name: 1 }", "c", out var config, out var error);

        Assert.False(ok);
        Assert.Null(config);
        Assert.Equal("c:1:15: field 'name' (string) expects a quoted string, got '1'", error!.ToString());
    }
}
