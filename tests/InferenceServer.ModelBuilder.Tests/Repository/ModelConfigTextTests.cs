using InferenceServer.ModelBuilder.Repository;
using Microsoft.ML.OnnxRuntime.Tensors;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Tests.Repository;

public sealed class ModelConfigTextTests
{
    [Fact]
    public void ToString_TritonSimpleExample_MatchesTritonLayout()
    {
        var text = new ModelConfigText("simple", maxBatchSize: 8)
            .Input("INPUT0", DataType.Int32, 16)
            .Input("INPUT1", DataType.Int32, 16)
            .Output("OUTPUT0", DataType.Int32, 16)
            .Output("OUTPUT1", DataType.Int32, 16)
            .ToString();

        // Triton's docs/examples/model_repository/simple/config.pbtxt without its licence header.
        const string expected = """
            name: "simple"
            platform: "onnxruntime_onnx"
            max_batch_size: 8
            input [
              {
                name: "INPUT0"
                data_type: TYPE_INT32
                dims: [ 16 ]
              },
              {
                name: "INPUT1"
                data_type: TYPE_INT32
                dims: [ 16 ]
              }
            ]
            output [
              {
                name: "OUTPUT0"
                data_type: TYPE_INT32
                dims: [ 16 ]
              },
              {
                name: "OUTPUT1"
                data_type: TYPE_INT32
                dims: [ 16 ]
              }
            ]

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void ToString_CommentsBatchingAndInstances_AreWrittenInOrder()
    {
        var text = new ModelConfigText("m", maxBatchSize: 0)
            .Comment("what it is")
            .Input("x", DataType.Float, 2, 3)
            .Output("y", DataType.Float)
            .DynamicBatching(maxQueueDelayMicroseconds: 200)
            .InstanceGroup(count: 2)
            .ToString();

        const string expected = """
            # what it is
            name: "m"
            platform: "onnxruntime_onnx"
            max_batch_size: 0
            input [
              {
                name: "x"
                data_type: TYPE_FP32
                dims: [ 2, 3 ]
              }
            ]
            output [
              {
                name: "y"
                data_type: TYPE_FP32
                dims: [ ]
              }
            ]
            dynamic_batching {
              max_queue_delay_microseconds: 200
            }
            instance_group [
              {
                count: 2
                kind: KIND_CPU
              }
            ]

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void ToString_NameWithQuote_IsEscaped()
        => Assert.Contains("name: \"a\\\"b\"", new ModelConfigText("a\"b", 1).ToString(), StringComparison.Ordinal);

    [Theory]
    [InlineData(TensorElementType.Bool, "TYPE_BOOL")]
    [InlineData(TensorElementType.UInt8, "TYPE_UINT8")]
    [InlineData(TensorElementType.UInt16, "TYPE_UINT16")]
    [InlineData(TensorElementType.UInt32, "TYPE_UINT32")]
    [InlineData(TensorElementType.UInt64, "TYPE_UINT64")]
    [InlineData(TensorElementType.Int8, "TYPE_INT8")]
    [InlineData(TensorElementType.Int16, "TYPE_INT16")]
    [InlineData(TensorElementType.Int32, "TYPE_INT32")]
    [InlineData(TensorElementType.Int64, "TYPE_INT64")]
    [InlineData(TensorElementType.Float16, "TYPE_FP16")]
    [InlineData(TensorElementType.Float, "TYPE_FP32")]
    [InlineData(TensorElementType.Double, "TYPE_FP64")]
    [InlineData(TensorElementType.String, "TYPE_STRING")]
    [InlineData(TensorElementType.BFloat16, "TYPE_BF16")]
    public void TritonDataTypes_OnnxType_MapsToConfigName(TensorElementType type, string expected)
        => Assert.Equal(expected, TritonDataTypes.ToConfigName((DataType)(int)type));

    [Fact]
    public void TritonDataTypes_Complex64_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => TritonDataTypes.ToConfigName(DataType.Complex64));
}
