using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using InferenceServer.LoadTool.Data;
using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Tests.Requests;

public class HttpRequestBodiesTests
{
    private static readonly InputTensor Int32s = new("INPUT0", "INT32", [1, 3], Pack(7, -2, 1000));
    private static readonly InputTensor Strings = new("TEXT", "BYTES", [2], PackStrings("hi", "ünï"));

    [Fact]
    public void Binary_HeaderThenRawBytes_WithSizesAndHeaderLength()
    {
        var body = HttpRequestBodies.Binary([Int32s, Strings]);

        var headerLength = Assert.IsType<int>(body.HeaderLength);
        Assert.Equal("application/octet-stream", body.ContentType);
        using var header = JsonDocument.Parse(body.Bytes.AsMemory(0, headerLength));
        var inputs = header.RootElement.GetProperty("inputs");
        Assert.Equal(12, inputs[0].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal(Strings.Raw.Length, inputs[1].GetProperty("parameters").GetProperty("binary_data_size").GetInt32());
        Assert.Equal("[1,3]", inputs[0].GetProperty("shape").GetRawText());
        Assert.False(inputs[0].TryGetProperty("data", out _));
        Assert.True(header.RootElement.GetProperty("parameters").GetProperty("binary_data_output").GetBoolean());
        Assert.Equal([.. Int32s.Raw, .. Strings.Raw], body.Bytes[headerLength..]);
        Assert.Equal(headerLength.ToString(System.Globalization.CultureInfo.InvariantCulture), body.HeaderLengthText);
    }

    [Fact]
    public void Json_EveryValueInData()
    {
        var floats = new InputTensor("F", "FP32", [2], [.. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(-3f)]);
        var bools = new InputTensor("B", "BOOL", [2], [1, 0]);
        var body = HttpRequestBodies.Json([Int32s, Strings, floats, bools]);

        Assert.Null(body.HeaderLength);
        Assert.Equal("application/json", body.ContentType);
        using var json = JsonDocument.Parse(body.Bytes);
        var inputs = json.RootElement.GetProperty("inputs");
        Assert.Equal("[7,-2,1000]", inputs[0].GetProperty("data").GetRawText());
        Assert.Equal(["hi", "ünï"], inputs[1].GetProperty("data").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([0.5, -3.0], inputs[2].GetProperty("data").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal("[true,false]", inputs[3].GetProperty("data").GetRawText());
        Assert.Equal("INT32", inputs[0].GetProperty("datatype").GetString());
    }

    [Fact]
    public void Grpc_RawInputContentsInInputOrder()
    {
        var request = GrpcInferRequests.Build("simple", "3", [Int32s, Strings]);

        Assert.Equal(("simple", "3"), (request.ModelName, request.ModelVersion));
        Assert.Equal(["INPUT0", "TEXT"], request.Inputs.Select(i => i.Name));
        Assert.Equal([1L, 3], request.Inputs[0].Shape);
        Assert.Equal("BYTES", request.Inputs[1].Datatype);
        Assert.Equal(Int32s.Raw, request.RawInputContents[0].ToByteArray());
        Assert.Equal(Strings.Raw, request.RawInputContents[1].ToByteArray());
    }

    private static byte[] Pack(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static byte[] PackStrings(params string[] values) =>
        [.. values.SelectMany(v => BitConverter.GetBytes(Encoding.UTF8.GetByteCount(v)).Concat(Encoding.UTF8.GetBytes(v)))];
}
