using System.Reflection;
using System.Text;
using Google.Protobuf.Reflection;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Tensors;

public class DataTypesTests
{
    public static TheoryData<DataType, string, int> AllTypes => new()
    {
        { DataType.Bool, "BOOL", 1 },
        { DataType.UInt8, "UINT8", 1 },
        { DataType.UInt16, "UINT16", 2 },
        { DataType.UInt32, "UINT32", 4 },
        { DataType.UInt64, "UINT64", 8 },
        { DataType.Int8, "INT8", 1 },
        { DataType.Int16, "INT16", 2 },
        { DataType.Int32, "INT32", 4 },
        { DataType.Int64, "INT64", 8 },
        { DataType.Fp16, "FP16", 2 },
        { DataType.Fp32, "FP32", 4 },
        { DataType.Fp64, "FP64", 8 },
        { DataType.Bytes, "BYTES", 0 },
        { DataType.Bf16, "BF16", 2 },
    };

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void ToProtocolString_EachType_IsTheProtocolName(DataType type, string name, int size)
    {
        Assert.Equal(name, type.ToProtocolString());
        Assert.Equal(name, Encoding.UTF8.GetString(type.ToProtocolUtf8()));
        Assert.Equal(size, type.ElementSize());
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void TryParse_EachProtocolName_RoundTrips(DataType type, string name, int size)
    {
        _ = size;
        Assert.True(DataTypes.TryParse(name, out var fromString));
        Assert.True(DataTypes.TryParse(Encoding.UTF8.GetBytes(name), out var fromUtf8));

        Assert.Equal(type, fromString);
        Assert.Equal(type, fromUtf8);
    }

    [Theory]
    [InlineData("fp32")]
    [InlineData("Fp32")]
    [InlineData("FP32 ")]
    [InlineData("")]
    [InlineData("INVALID")]
    [InlineData("STRING")]
    [InlineData("FLOAT")]
    [InlineData("TYPE_FP32")]
    public void TryParse_NotAProtocolName_Fails(string name)
    {
        Assert.False(DataTypes.TryParse(name, out var fromString));
        Assert.False(DataTypes.TryParse(Encoding.UTF8.GetBytes(name), out var fromUtf8));
        Assert.Equal(DataType.Invalid, fromString);
        Assert.Equal(DataType.Invalid, fromUtf8);
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void ToConfigString_EachType_MatchesModelConfigEnumNameAndValue(DataType type, string name, int size)
    {
        _ = (name, size);
        var configType = (global::Inference.DataType)(int)type;
        var field = typeof(global::Inference.DataType).GetField(configType.ToString(), BindingFlags.Public | BindingFlags.Static);

        Assert.NotNull(field);
        Assert.Equal(field.GetCustomAttribute<OriginalNameAttribute>()!.Name, type.ToConfigString());
    }

    [Fact]
    public void ToConfigString_Bytes_IsTypeString()
    {
        Assert.Equal("TYPE_STRING", DataType.Bytes.ToConfigString());
        Assert.Equal("TYPE_FP32", DataType.Fp32.ToConfigString());
    }

    [Fact]
    public void ElementSize_Invalid_IsZero()
    {
        Assert.Equal(0, DataType.Invalid.ElementSize());
    }
}
