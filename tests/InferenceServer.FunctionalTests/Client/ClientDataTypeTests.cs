using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Client;
using InferenceServer.Client.Tensors;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// Every protocol datatype through its identity model with the client library, over HTTP binary, HTTP JSON and gRPC:
/// sent as typed elements (<c>T[]</c>, <c>string[]</c> for BYTES, <see cref="Half"/>, <see cref="BFloat16"/>) and read
/// back as typed spans, and sent as raw wire bytes and read back as bytes. The answer must be the case's bytes, unchanged.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ClientDataTypeTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var protocol in (string[])[ClientProtocols.Http, ClientProtocols.HttpJson, ClientProtocols.Grpc])
        {
            foreach (var tensorCase in TensorCases.All)
            {
                data.Add(protocol, tensorCase.Datatype);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TypedElements_RoundTrip(string protocol, string datatype)
    {
        var tensorCase = TensorCases.Get(datatype);
        using var client = ClientProtocols.Create(_server, protocol);

        var answered = datatype switch
        {
            "BOOL" => await RoundTripAsync<bool>(client, tensorCase),
            "UINT8" => await RoundTripAsync<byte>(client, tensorCase),
            "UINT16" => await RoundTripAsync<ushort>(client, tensorCase),
            "UINT32" => await RoundTripAsync<uint>(client, tensorCase),
            "UINT64" => await RoundTripAsync<ulong>(client, tensorCase),
            "INT8" => await RoundTripAsync<sbyte>(client, tensorCase),
            "INT16" => await RoundTripAsync<short>(client, tensorCase),
            "INT32" => await RoundTripAsync<int>(client, tensorCase),
            "INT64" => await RoundTripAsync<long>(client, tensorCase),
            "FP16" => await RoundTripAsync<Half>(client, tensorCase),
            "BF16" => await RoundTripAsync<BFloat16>(client, tensorCase),
            "FP32" => await RoundTripAsync<float>(client, tensorCase),
            "FP64" => await RoundTripAsync<double>(client, tensorCase),
            "BYTES" => await RoundTripStringsAsync(client, tensorCase),
            _ => throw new InvalidOperationException(datatype),
        };

        Assert.Equal(tensorCase.Raw, answered);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RawBytes_RoundTrip(string protocol, string datatype)
    {
        var tensorCase = TensorCases.Get(datatype);
        using var client = ClientProtocols.Create(_server, protocol);
        using var request = new InferRequest(tensorCase.ModelName).AddRawInput("INPUT0", datatype, tensorCase.Raw, TensorCase.Shape);

        using var result = await client.InferAsync(request);

        var output = result.GetOutputInfo("OUTPUT0");
        Assert.Equal(datatype, output.DataType);
        Assert.Equal(TensorCase.Shape, output.Shape);
        Assert.Equal(tensorCase.Raw, result.GetOutputBytes("OUTPUT0").ToArray());
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task ByteStrings_RoundTripArbitraryBytes(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        byte[][] values = [[], [0], [0xFF, 0xFE, 0x00], [1, 2, 3], [.. Enumerable.Range(0, 256).Select(i => (byte)i)], [7]];
        using var request = new InferRequest(TensorCase.IdentityModelName("BYTES")).AddInput("INPUT0", values, TensorCase.Shape);

        using var result = await client.InferAsync(request);

        Assert.Equal(values, result.GetByteStrings("OUTPUT0"));
    }

    [Fact]
    public void BFloat16_RoundsToNearestEven()
    {
        Assert.Equal(1.0f, (float)(BFloat16)1.0f);
        Assert.Equal(3.140625f, (float)(BFloat16)3.14159f);
        Assert.Equal((ushort)0x3F80, BFloat16.FromSingle(1.00390625f).Bits);
        Assert.True(float.IsNaN((float)BFloat16.FromSingle(float.NaN)));
    }

    private static async Task<byte[]> RoundTripAsync<T>(InferenceClient client, TensorCase tensorCase)
        where T : unmanaged
    {
        var elements = MemoryMarshal.Cast<byte, T>(tensorCase.Raw).ToArray();
        Assert.Equal(tensorCase.Datatype, TensorDataType.Of<T>());
        using var request = new InferRequest(tensorCase.ModelName).AddInput("INPUT0", elements, TensorCase.Shape);
        using var result = await client.InferAsync(request);
        return MemoryMarshal.AsBytes(result.GetOutput<T>("OUTPUT0")).ToArray();
    }

    private static async Task<byte[]> RoundTripStringsAsync(InferenceClient client, TensorCase tensorCase)
    {
        var strings = TensorCase.SplitBytes(tensorCase.Raw).Select(Encoding.UTF8.GetString).ToArray();
        using var request = new InferRequest(tensorCase.ModelName).AddInput("INPUT0", strings, TensorCase.Shape);
        using var result = await client.InferAsync(request);
        return TensorCase.LengthPrefixed(result.GetStrings("OUTPUT0"));
    }
}
