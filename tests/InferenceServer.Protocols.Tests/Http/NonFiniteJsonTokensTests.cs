using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CsCheck;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Protocols.Http;
using InferenceServer.Protocols.Tests.Infrastructure;
using ConfigType = Inference.DataType;

namespace InferenceServer.Protocols.Tests.Http;

/// <summary>
/// JSON requests may carry NaN, Infinity and -Infinity as bare tokens (as Python's json writes them and Triton
/// accepts them) in FP16, BF16, FP32 and FP64 data; everywhere else they stay errors, and strings are never read as them.
/// </summary>
public sealed class NonFiniteJsonTokensTests : IDisposable
{
    private const int MaxDepth = 100;
    private readonly PinnedBufferPool _pool = new(debug: true);
    private readonly InferenceRequest _request = new();
    private readonly List<ModelVersion> _models = [];

    public void Dispose()
    {
        _request.TryReset();
        Assert.Equal(0, _pool.OutstandingCount);
        _models.ForEach(m => m.Dispose());
        _pool.Dispose();
    }

    private InferenceError Parse(ConfigType type, string datatype, int count, string data)
    {
        _request.TryReset();
        var model = TestModels.SingleInput("m", 0, type, count);
        _models.Add(model);
        var json = $$"""{"inputs":[{"name":"INPUT0","shape":[{{count}}],"datatype":"{{datatype}}","data":{{data}}}]}""";
        return InferRequestParser.Parse(model, Encoding.UTF8.GetBytes(json), -1, _request, _pool, MaxDepth);
    }

    [Fact]
    public void Rewrite_BareTokens_BecomeStringsOfTheSameLength_StringsUntouched()
    {
        var json = """{"a":[NaN,Infinity,-Infinity,-1],"s":"NaN \" Infinity","NaN":-Infinity}"""u8;
        var copy = new byte[json.Length];

        var replaced = NonFiniteJsonTokens.Rewrite(json, copy);

        Assert.Equal(4, replaced);
        Assert.Equal("""{"a":["N","Infini","-Infini",-1],"s":"NaN \" Infinity","NaN":"-Infini"}""", Encoding.UTF8.GetString(copy));
    }

    [Theory]
    [InlineData(ConfigType.TypeFp32, "FP32")]
    [InlineData(ConfigType.TypeFp64, "FP64")]
    public void Parse_FloatData_AcceptsNonFiniteTokens(ConfigType type, string datatype)
    {
        var error = Parse(type, datatype, 4, "[NaN, Infinity, -Infinity, 1.5]");

        Assert.False(error.IsError, error.Message);
        var data = _request.Inputs[0].Data.Span;
        double[] values = type == ConfigType.TypeFp32
            ? [.. MemoryMarshal.Cast<byte, float>(data).ToArray().Select(f => (double)f)]
            : MemoryMarshal.Cast<byte, double>(data).ToArray();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal(double.PositiveInfinity, values[1]);
        Assert.Equal(double.NegativeInfinity, values[2]);
        Assert.Equal(1.5, values[3]);
    }

    [Fact]
    public void Parse_Fp16Data_AcceptsNonFiniteTokens()
    {
        var error = Parse(ConfigType.TypeFp16, "FP16", 4, "[NaN, Infinity, -Infinity, 1.5]");

        Assert.False(error.IsError, error.Message);
        var values = MemoryMarshal.Cast<byte, Half>(_request.Inputs[0].Data.Span).ToArray();
        Assert.True(Half.IsNaN(values[0]));
        Assert.Equal(Half.PositiveInfinity, values[1]);
        Assert.Equal(Half.NegativeInfinity, values[2]);
        Assert.Equal((Half)1.5, values[3]);
    }

    [Fact]
    public void Parse_Bf16Data_AcceptsNonFiniteTokens()
    {
        var error = Parse(ConfigType.TypeBf16, "BF16", 4, "[NaN, Infinity, -Infinity, 1.5]");

        Assert.False(error.IsError, error.Message);
        // bfloat16 is a float's upper half: widen each back to a float to read it.
        var values = MemoryMarshal.Cast<byte, ushort>(_request.Inputs[0].Data.Span).ToArray().Select(b => BitConverter.Int32BitsToSingle(b << 16)).ToArray();
        Assert.True(float.IsNaN(values[0]));
        Assert.Equal(float.PositiveInfinity, values[1]);
        Assert.Equal(float.NegativeInfinity, values[2]);
        Assert.Equal(1.5f, values[3]);
    }

    [Fact]
    public void Parse_StringsThatSpellAReplacement_StillRejected()
    {
        var error = Parse(ConfigType.TypeFp32, "FP32", 3, """["N", "Infini", "-Infini"]""");

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("not a valid FP32 at element 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_IntegerData_NaNRejected()
    {
        var error = Parse(ConfigType.TypeInt32, "INT32", 2, "[1, NaN]");

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("not a valid INT32 at element 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BytesData_BareNaNRejected_StringNaNKept()
    {
        var bare = Parse(ConfigType.TypeString, "BYTES", 1, "[NaN]");
        Assert.Contains("must be JSON strings", bare.Message, StringComparison.Ordinal);

        var text = Parse(ConfigType.TypeString, "BYTES", 2, """["NaN", "Infinity"]""");
        Assert.False(text.IsError, text.Message);
        Assert.Equal([3, 0, 0, 0, .. "NaN"u8, 8, 0, 0, 0, .. "Infinity"u8], _request.Inputs[0].Data.ToArray());
    }

    [Fact]
    public void Parse_AnyFloatsWrittenAsPythonDoes_ReadBackExactly()
    {
        // One request and one pool serve every sample, so the samples run on one thread.
        Gen.Select(Gen.Double.Array[1, 64], Gen.Int[0, 7].Array[1, 64]).Sample((doubles, specials) =>
        {
            // Sprinkle non-finite values among arbitrary doubles, then write the array as Python's json.dumps does.
            var data = doubles.Where(double.IsFinite).DefaultIfEmpty(0).Select((v, i) => specials[i % specials.Length] switch { 0 => double.NaN, 1 => double.PositiveInfinity, 2 => double.NegativeInfinity, _ => v }).ToArray();
            var text = "[" + string.Join(", ", data.Select(v => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity" : v.ToString("R", CultureInfo.InvariantCulture))) + "]";

            var error = Parse(ConfigType.TypeFp64, "FP64", data.Length, text);

            return !error.IsError && MemoryMarshal.Cast<byte, double>(_request.Inputs[0].Data.Span).SequenceEqual(data);
        }, iter: 200, threads: 1);
    }
}
