using System.Net;
using Grpc.Core;
using InferenceServer.Client;
using InferenceServer.Client.Errors;
using InferenceServer.Client.Grpc;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>
/// Every read-only call of the client library against the shared server, over HTTP and gRPC alike: health, server
/// and model metadata, config, statistics, the repository index, inference on <c>simple</c> (typed outputs, explicit
/// version, routing key, request id), the opt-in shape check, and refusals as typed exceptions with the server's words.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ClientCallTests(ServerFixture fixture)
{
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task HealthAndServerMetadata_Answer(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);

        Assert.True(await client.IsServerLiveAsync());
        Assert.True(await client.IsServerReadyAsync());
        var metadata = await client.GetServerMetadataAsync();
        Assert.False(string.IsNullOrEmpty(metadata.Name));
        Assert.Contains("binary_tensor_data", metadata.Extensions);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task ModelMetadataAndConfig_DescribeSimple(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);

        Assert.True(await client.IsModelReadyAsync("simple"));
        Assert.False(await client.IsModelReadyAsync("simple", "999"));
        var metadata = await client.GetModelMetadataAsync("simple");
        Assert.Equal("simple", metadata.Name);
        Assert.Equal(["INPUT0", "INPUT1"], metadata.Inputs.Select(i => i.Name).Order());
        Assert.All(metadata.Inputs, i => Assert.Equal("INT32", i.DataType));
        Assert.Equal([-1L, 16L], metadata.Inputs[0].Shape);

        var config = await client.GetModelConfigAsync("simple");
        Assert.Equal("simple", config.Name);
        Assert.Equal(8, config.MaxBatchSize);
        Assert.Equal("INT32", config.Inputs[0].DataType);
        Assert.Equal([16L], config.Inputs[0].Shape);
        Assert.Contains("\"max_batch_size\"", config.Json, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task StatisticsAndIndex_CountAnInference(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        var before = (await client.GetModelStatisticsAsync("simple")).Single();

        using (var result = await client.InferAsync(SimpleRequest()))
        {
        }

        await _server.AfterStepsSettledAsync();
        var after = (await client.GetModelStatisticsAsync("simple")).Single();
        Assert.Equal("simple", after.Name);
        Assert.Equal(before.Success.Count + 1, after.Success.Count);
        Assert.True(after.InferenceCount > before.InferenceCount);
        Assert.NotEmpty(await client.GetModelStatisticsAsync());

        var index = await client.GetRepositoryIndexAsync(readyOnly: true);
        Assert.Contains(index, row => row.Name == "simple" && row.State == "READY");
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.All), MemberType = typeof(ClientProtocols))]
    public async Task Infer_Simple_ReadsTypedOutputsInPlace(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        using var request = SimpleRequest();
        request.Id = "request-7";

        using var result = await client.InferAsync(request);

        Assert.Equal("simple", result.ModelName);
        Assert.Equal("request-7", result.Id);
        var sum = result.GetOutput<int>("OUTPUT0");
        var difference = result.GetOutput<int>("OUTPUT1");
        Assert.Equal(16, sum.Length);
        for (var i = 0; i < 16; i++)
        {
            Assert.Equal(i + 1, sum[i]);
            Assert.Equal(i - 1, difference[i]);
        }

        Assert.Equal([1L, 16L], result.GetOutputInfo("OUTPUT0").Shape);
        Assert.Throws<InvalidOperationException>(() => result.GetOutput<float>("OUTPUT0").Length);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.All), MemberType = typeof(ClientProtocols))]
    public async Task Infer_RequestedOutputAndSpanInput_AnswerOnlyThatOutput(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        Span<int> input0 = stackalloc int[16];
        Span<int> input1 = stackalloc int[16];
        input0.Fill(5);
        input1.Fill(2);
        using var request = new InferRequest("simple")
            .AddInput<int>("INPUT0", input0, 1, 16)
            .AddInput<int>("INPUT1", input1, 1, 16)
            .AddOutput("OUTPUT1");

        using var result = await client.InferAsync(request);

        Assert.Equal("OUTPUT1", Assert.Single(result.Outputs).Name);
        Assert.All(result.GetOutput<int>("OUTPUT1").ToArray(), v => Assert.Equal(3, v));
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task Infer_ExplicitVersion_IsTheVersionThatAnswers(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        var data = new float[] { 1, 2, 3, 4, 5, 6 };
        using var request = new InferRequest(TestRepositories.PolicyAll, "2").AddInput("INPUT0", data, 2, 3);
        request.RoutingKey = "user-42";

        using var result = await client.InferAsync(request);

        Assert.Equal("2", result.ModelVersion);
        Assert.Equal(data, result.GetOutput<float>("OUTPUT0").ToArray());
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task Errors_AreTypedWithTheServersMessageAndStatus(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);

        var unknown = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(new InferRequest("no_such_model").AddInput("INPUT0", new int[] { 1 }, 1)));
        Assert.Contains("no_such_model", unknown.ServerMessage, StringComparison.Ordinal);
        Assert.Contains(unknown.ServerMessage, unknown.Message, StringComparison.Ordinal);
        if (protocol == ClientProtocols.Grpc)
        {
            Assert.Null(unknown.HttpStatus);
            Assert.NotNull(unknown.GrpcStatus);
            Assert.NotEqual(StatusCode.OK, unknown.GrpcStatus);
        }
        else
        {
            Assert.Null(unknown.GrpcStatus);
            Assert.True(unknown.HttpStatus is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"{unknown.HttpStatus}");
        }

        // A shape the model does not take: refused by the server with the input named.
        using var wrongShape = new InferRequest("simple").AddInput("INPUT0", new int[15], 1, 15).AddInput("INPUT1", new int[15], 1, 15);
        var shape = await Assert.ThrowsAsync<InferenceServerException>(() => client.InferAsync(wrongShape));
        Assert.Contains("INPUT0", shape.ServerMessage, StringComparison.Ordinal);

        var metadata = await Assert.ThrowsAsync<InferenceServerException>(() => client.GetModelMetadataAsync("no_such_model"));
        Assert.Contains("no_such_model", metadata.ServerMessage, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task ShapeValidation_OptIn_FailsBeforeSending(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol, options => options.ValidateShapes = true);
        var before = (await client.GetModelStatisticsAsync("simple")).Single();

        using var wrongShape = new InferRequest("simple").AddInput("INPUT0", new int[15], 1, 15).AddInput("INPUT1", new int[15], 1, 15);
        var shape = await Assert.ThrowsAsync<ArgumentException>(() => client.InferAsync(wrongShape));
        Assert.Contains("[-1,16]", shape.Message, StringComparison.Ordinal);
        using var wrongType = new InferRequest("simple").AddInput("INPUT0", new float[16], 1, 16);
        Assert.Contains("INT32", (await Assert.ThrowsAsync<ArgumentException>(() => client.InferAsync(wrongType))).Message, StringComparison.Ordinal);
        using var wrongName = new InferRequest("simple").AddInput("INPUT9", new int[16], 1, 16);
        Assert.Contains("INPUT9", (await Assert.ThrowsAsync<ArgumentException>(() => client.InferAsync(wrongName))).Message, StringComparison.Ordinal);

        using (var ok = await client.InferAsync(SimpleRequest()))
        {
            Assert.Equal(16, ok.GetOutput<int>("OUTPUT0").Length);
        }

        await _server.AfterStepsSettledAsync();
        var after = (await client.GetModelStatisticsAsync("simple")).Single();
        Assert.Equal(before.Fail.Count, after.Fail.Count);
    }

    [Theory]
    [MemberData(nameof(ClientProtocols.Both), MemberType = typeof(ClientProtocols))]
    public async Task Cancellation_ThrowsOperationCanceled(string protocol)
    {
        using var client = ClientProtocols.Create(_server, protocol);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.InferAsync(SimpleRequest(), cancelled.Token));
    }

    [Fact]
    public async Task TrafficAndDrift_AreHttpOnly()
    {
        using var http = ClientProtocols.Create(_server, ClientProtocols.Http);
        using var grpc = ClientProtocols.Create(_server, ClientProtocols.Grpc);

        Assert.Contains("\"model_drift\"", await http.GetModelDriftAsync("simple"), StringComparison.Ordinal);
        Assert.StartsWith("{", await http.GetTrafficPolicyAsync("simple"), StringComparison.Ordinal);
        var notSupported = await Assert.ThrowsAsync<NotSupportedException>(() => grpc.GetTrafficPolicyAsync("simple"));
        Assert.Contains("HTTP", notSupported.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => grpc.SetTrafficPolicyAsync("simple", "{}"));
        await Assert.ThrowsAsync<NotSupportedException>(() => grpc.GetModelDriftAsync("simple"));
    }

    [Fact]
    public async Task GrpcStream_AnswersEachRequestInOrder()
    {
        using var client = (GrpcInferenceClient)ClientProtocols.Create(_server, ClientProtocols.Grpc);
        await using var stream = client.OpenStream(DateTime.UtcNow + TestTimeouts.Request);
        using var first = SimpleRequest(add: 1);
        using var second = SimpleRequest(add: 2);
        using var bad = new InferRequest("simple").AddInput("INPUT0", new int[15], 1, 15).AddInput("INPUT1", new int[15], 1, 15);
        first.Id = "1";
        second.Id = "2";

        await stream.WriteAsync(first);
        await stream.WriteAsync(bad);
        await stream.WriteAsync(second);
        await stream.CompleteAsync();
        var responses = new List<StreamInferResponse>();
        using var timeout = new CancellationTokenSource(TestTimeouts.Request);
        await foreach (var response in stream.ReadAllAsync(timeout.Token))
        {
            responses.Add(response);
        }

        Assert.Equal(3, responses.Count);
        Assert.Equal("1", responses[0].GetResultOrThrow().Id);
        Assert.Equal(1, responses[0].Result!.GetOutput<int>("OUTPUT0")[0]);
        Assert.Contains("INPUT0", responses[1].ErrorMessage, StringComparison.Ordinal);
        Assert.Throws<InferenceServerException>(() => responses[1].GetResultOrThrow());
        Assert.Equal(2, responses[2].GetResultOrThrow().GetOutput<int>("OUTPUT0")[0]);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task DisposedResult_RefusesReads()
    {
        using var client = ClientProtocols.Create(_server, ClientProtocols.Http);
        var result = await client.InferAsync(SimpleRequest());
        result.Dispose();

        Assert.Throws<ObjectDisposedException>(() => result.GetOutput<int>("OUTPUT0").Length);
        result.Dispose();
    }

    /// <summary><c>simple</c> with INPUT0 = 0..15 and INPUT1 = <paramref name="add"/>, as memory inputs.</summary>
    internal static InferRequest SimpleRequest(int add = 1)
    {
        var input0 = Enumerable.Range(0, 16).ToArray();
        var input1 = Enumerable.Repeat(add, 16).ToArray();
        return new InferRequest("simple").AddInput("INPUT0", input0, 1, 16).AddInput("INPUT1", input1, 1, 16);
    }
}
