using System.Runtime.InteropServices;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Classification;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Inference;

/// <summary>
/// The classification extension's results, as Triton's <c>image_client.py</c> parses them: "value:index[:label]", largest
/// first, values printed as C++'s <c>std::to_string</c>, per batch row, at most the row's element count, ties by index.
/// </summary>
public sealed class TopKClassesTests : IDisposable
{
    private readonly PinnedBufferPool _pool = new();

    public void Dispose() => _pool.Dispose();

    [Theory]
    [InlineData(0.7f, "0.700000")]
    [InlineData(3.3f, "3.300000")]
    [InlineData(-0.25f, "-0.250000")]
    [InlineData(1e-7f, "0.000000")]
    [InlineData(123456.789f, "123456.789062")]
    [InlineData(-0f, "-0.000000")]
    [InlineData(float.PositiveInfinity, "inf")]
    [InlineData(float.NegativeInfinity, "-inf")]
    [InlineData(float.NaN, "-nan")] // .NET's NaN has its sign bit set, and glibc prints that as "-nan"
    public void Format_Fp32_AsStdToString(float value, string expected) =>
        Assert.Equal(expected, TopKClasses.Format(DataType.Fp32, MemoryMarshal.AsBytes(new[] { value }.AsSpan()), 0));

    [Fact]
    public void Format_Integers_PlainDecimals()
    {
        Assert.Equal("-5", TopKClasses.Format(DataType.Int32, MemoryMarshal.AsBytes(new[] { -5 }.AsSpan()), 0));
        Assert.Equal("255", TopKClasses.Format(DataType.UInt8, [255], 0));
        Assert.Equal("-128", TopKClasses.Format(DataType.Int8, [0x80], 0));
        Assert.Equal("18446744073709551615", TopKClasses.Format(DataType.UInt64, MemoryMarshal.AsBytes(new[] { ulong.MaxValue }.AsSpan()), 0));
        Assert.Equal("-9223372036854775808", TopKClasses.Format(DataType.Int64, MemoryMarshal.AsBytes(new[] { long.MinValue }.AsSpan()), 0));
    }

    [Fact]
    public void Apply_TiesAndLabels_LargestFirstTiesByIndexLabelsWhereGiven()
    {
        var output = Output([0.1f, 0.7f, 0.2f, 0.7f], [1, 4], ["cat", "dog", "bird"]);

        TopKClasses.Apply(output, 4, batches: true, _pool);

        Assert.Equal(DataType.Bytes, output.DataType);
        Assert.Equal([1L, 4L], output.Shape.Dimensions.ToArray());
        Assert.Equal(["0.700000:1:dog", "0.700000:3", "0.200000:2:bird", "0.100000:0:cat"], Strings(output));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(100, 4)]
    public void Apply_KPerRow_AtMostTheRowsElements(int k, int taken)
    {
        var output = Output([1f, 2f, 3f, 4f, 40f, 30f, 20f, 10f], [2, 4], null);

        TopKClasses.Apply(output, k, batches: true, _pool);

        Assert.Equal([2L, taken], output.Shape.Dimensions.ToArray());
        var strings = Strings(output);
        Assert.Equal(new[] { "4.000000:3", "3.000000:2", "2.000000:1", "1.000000:0" }[..taken], strings[..taken]);
        Assert.Equal(new[] { "40.000000:0", "30.000000:1", "20.000000:2", "10.000000:3" }[..taken], strings[taken..]);
    }

    [Fact]
    public void Apply_NotBatching_WholeTensorFlatIndices()
    {
        var output = Output([1f, 9f, 3f, 4f, 5f, 6f], [2, 3], null);

        TopKClasses.Apply(output, 2, batches: false, _pool);

        Assert.Equal([2L], output.Shape.Dimensions.ToArray());
        Assert.Equal(["9.000000:1", "6.000000:5"], Strings(output));
    }

    private InferenceOutput Output(float[] values, long[] dims, string[]? labels)
    {
        var spec = new TensorSpec("OUTPUT0", DataType.Fp32, [.. dims[1..]], 0) { Labels = labels };
        var buffer = _pool.Rent(values.Length * sizeof(float));
        MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(buffer.Span);
        var shape = default(TensorShape);
        foreach (var d in dims)
        {
            shape.TryAppend(d);
        }

        var output = new InferenceOutput();
        output.Set(spec, shape, buffer);
        return output;
    }

    private static string[] Strings(InferenceOutput output)
    {
        var data = output.Data.Span;
        var strings = new List<string>();
        while (!data.IsEmpty)
        {
            strings.Add(System.Text.Encoding.UTF8.GetString(BytesTensor.ReadElement(ref data)));
        }

        output.Reset();
        return [.. strings];
    }
}
