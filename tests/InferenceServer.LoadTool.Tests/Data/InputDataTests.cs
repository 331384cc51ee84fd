using System.Buffers.Binary;
using System.Text;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Server;
using InferenceServer.LoadTool.Tests.Infrastructure;

namespace InferenceServer.LoadTool.Tests.Data;

public class InputDataTests
{
    private static readonly ModelDescription Dynamic = new("dyn", [new TensorDescription("X", "FP32", [-1, -1, 4])], MaxBatchSize: 4);
    private static readonly ModelDescription Unbatched = new("flat", [new TensorDescription("T", "BYTES", [2])], MaxBatchSize: 0);

    [Fact]
    public void Build_Random_BatchDimIsTheBatchSizeAndValuesAreInRange()
    {
        var set = Assert.Single(InputDataBuilder.Build(Samples.Simple, new LoadOptions { Model = "simple", BatchSize = 4 }));

        Assert.Equal(["INPUT0", "INPUT1"], set.Select(i => i.Name));
        Assert.All(set, input => Assert.Equal([4L, 16], input.Shape));
        Assert.All(set, input => Assert.Equal(4 * 16 * 4, input.Raw.Length));
        var values = Enumerable.Range(0, 64).Select(i => BinaryPrimitives.ReadInt32LittleEndian(set[0].Raw.AsSpan(i * 4))).ToArray();
        Assert.All(values, v => Assert.InRange(v, 0, 99));
        Assert.True(values.Distinct().Count() > 10, "random values vary");
    }

    [Fact]
    public void Build_SameSeed_SameValues()
    {
        var a = InputDataBuilder.Build(Samples.Simple, new LoadOptions { Model = "simple", Seed = 5 });
        var b = InputDataBuilder.Build(Samples.Simple, new LoadOptions { Model = "simple", Seed = 5 });

        Assert.Equal(a[0][0].Raw, b[0][0].Raw);
    }

    [Fact]
    public void Build_Zero_AllBytesZeroAndStringsEmpty()
    {
        var simple = InputDataBuilder.Build(Samples.Simple, new LoadOptions { Model = "simple", InputData = InputDataKind.Zero })[0];
        var strings = InputDataBuilder.Build(Unbatched, new LoadOptions { Model = "flat", InputData = InputDataKind.Zero })[0];

        Assert.All(simple, input => Assert.All(input.Raw, b => Assert.Equal(0, b)));
        Assert.Equal(new byte[8], strings[0].Raw);
    }

    [Fact]
    public void Build_RandomStrings_HaveTheAskedLength()
    {
        var input = InputDataBuilder.Build(Unbatched, new LoadOptions { Model = "flat", StringLength = 5 })[0][0];

        Assert.Equal([2L], input.Shape);
        Assert.Equal(2 * (4 + 5), input.Raw.Length);
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(input.Raw));
    }

    [Fact]
    public void Build_DynamicDimsWithoutShape_AsksForShape()
    {
        var error = Assert.Throws<InvalidOperationException>(() => InputDataBuilder.Build(Dynamic, new LoadOptions { Model = "dyn" }));

        Assert.Contains("--shape X:N,4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ShapeFlag_FillsDynamicDims()
    {
        var options = new LoadOptions { Model = "dyn", BatchSize = 2, Shapes = new Dictionary<string, long[]> { ["X"] = [3, 4] } };

        var input = InputDataBuilder.Build(Dynamic, options)[0][0];

        Assert.Equal([2L, 3, 4], input.Shape);
        Assert.Equal(2 * 3 * 4 * 4, input.Raw.Length);
    }

    [Fact]
    public void Build_ShapeContradictingAFixedDim_Fails()
    {
        var options = new LoadOptions { Model = "dyn", Shapes = new Dictionary<string, long[]> { ["X"] = [3, 5] } };

        Assert.Throws<InvalidOperationException>(() => InputDataBuilder.Build(Dynamic, options));
    }

    [Fact]
    public void Build_BatchSizeForAModelThatDoesNotBatch_Fails()
    {
        Assert.Throws<InvalidOperationException>(() => InputDataBuilder.Build(Unbatched, new LoadOptions { Model = "flat", BatchSize = 2 }));
    }

    [Fact]
    public void DataFile_EntriesInOrder_NestedArraysFlattenedAndRowsRepeatedPerBatch()
    {
        var json = """
            {"data": [
              {"INPUT0": [[0,1,2,3,4,5,6,7],[8,9,10,11,12,13,14,15]], "INPUT1": {"content": [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1], "shape": [16]}},
              {"INPUT0": [15,14,13,12,11,10,9,8,7,6,5,4,3,2,1,0], "INPUT1": [2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]}
            ]}
            """;

        var sets = InputDataFile.Read(Encoding.UTF8.GetBytes(json), Samples.Simple, new LoadOptions { Model = "simple", BatchSize = 2 });

        Assert.Equal(2, sets.Count);
        Assert.Equal([2L, 16], sets[0][0].Shape);
        Assert.Equal([.. Enumerable.Range(0, 16), .. Enumerable.Range(0, 16)], Ints(sets[0][0].Raw));
        Assert.Equal(Enumerable.Repeat(1, 32), Ints(sets[0][1].Raw));
        Assert.Equal(15, Ints(sets[1][0].Raw)[0]);
    }

    [Fact]
    public void DataFile_ShapeInEntry_FillsDynamicDims()
    {
        var json = """{"data": [{"X": {"content": [1,2,3,4,5,6,7,8], "shape": [2,4]}}]}""";

        var input = InputDataFile.Read(Encoding.UTF8.GetBytes(json), Dynamic, new LoadOptions { Model = "dyn" })[0][0];

        Assert.Equal([1L, 2, 4], input.Shape);
        Assert.Equal(8 * 4, input.Raw.Length);
    }

    [Fact]
    public void DataFile_Strings_AreBytesElements()
    {
        var input = InputDataFile.Read(Encoding.UTF8.GetBytes("""{"data": [{"T": ["ab", "c"]}]}"""), Unbatched, new LoadOptions { Model = "flat" })[0][0];

        Assert.Equal([2, 0, 0, 0, (byte)'a', (byte)'b', 1, 0, 0, 0, (byte)'c'], input.Raw);
    }

    [Theory]
    [InlineData("""{"data": [{"INPUT0": [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}""", "no value for input 'INPUT1'")]
    [InlineData("""{"data": [{"INPUT0": [1,2,3], "INPUT1": [1]}]}""", "has 3 values")]
    [InlineData("""{"data": []}""", "at least one entry")]
    [InlineData("""{"data": [{"INPUT0": ["x"], "INPUT1": [1]}]}""", "not a INT32 value")]
    public void DataFile_Malformed_SaysWhy(string json, string expected)
    {
        var error = Assert.Throws<InvalidDataException>(() => InputDataFile.Read(Encoding.UTF8.GetBytes(json), Samples.Simple, new LoadOptions { Model = "simple" }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static int[] Ints(byte[] raw) => [.. Enumerable.Range(0, raw.Length / 4).Select(i => BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4)))];
}
