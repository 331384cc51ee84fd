using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inference;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Sequences;

/// <summary>
/// Requests a sequence model refuses, over HTTP and gRPC. Invariants: each is a 400 / INVALID_ARGUMENT whose message
/// names the sequence (or the parameter) and says what to send instead; a refusal leaves the live sequences as they were
/// (the sequence a refused request named still answers with its own running sum).
/// </summary>
public sealed class SequenceErrorTests(SequenceServerFixture fixture) : IClassFixture<SequenceServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task MissingSequenceId_Refused()
    {
        var message = await RefusedAsync(SequenceRepositories.Direct, SequenceRequests.JsonBody(null, 1, start: true));
        Assert.Contains($"inference request to model '{SequenceRepositories.Direct}' must specify a non-zero or non-empty sequence_id", message, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(SequenceRequests.Grpc(SequenceRepositories.Direct, 0UL, 1, start: true)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("sequence_id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSequenceWithoutStart_Refused_NamingTheSequence()
    {
        var message = await RefusedAsync(SequenceRepositories.Direct, SequenceRequests.JsonBody(424242UL, 1));
        Assert.Contains($"sequence 424242 for model '{SequenceRepositories.Direct}' is not live: its first request must set sequence_start", message, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(SequenceRequests.Grpc(SequenceRepositories.Direct, "nobody", 1)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("sequence \"nobody\"", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondStartOfALiveSequence_Refused_AndTheSequenceKeepsItsState()
    {
        const string Model = SequenceRepositories.Direct;
        await SequenceRequests.PostAsync(_server, Model, 55UL, 4, start: true);

        var message = await RefusedAsync(Model, SequenceRequests.JsonBody(55UL, 100, start: true));
        Assert.Contains($"sequence 55 for model '{Model}' is already live", message, StringComparison.Ordinal);

        Assert.Equal(9, (await SequenceRequests.PostAsync(_server, Model, 55UL, 5, end: true)).Int32Data("OUTPUT").Single());
        var ended = await RefusedAsync(Model, SequenceRequests.JsonBody(55UL, 1));
        Assert.Contains("sequence 55", ended, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SequenceIdOfTheWrongType_ForTheCorrelationIdInput_Refused()
    {
        const string Model = SequenceRepositories.Oldest;
        var message = await RefusedAsync(Model, SequenceRequests.JsonBody("text-id", 1, start: true));
        Assert.Contains(
            $"sequence_id \"text-id\" for model '{Model}' is a string, but the model's CONTROL_SEQUENCE_CORRID input 'CORRID' is TYPE_UINT64",
            message, StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(SequenceRequests.Grpc(Model, "text-id", 1, start: true)));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("CONTROL_SEQUENCE_CORRID", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SequenceParametersOfTheWrongKind_Refused_NamingTheParameter()
    {
        var body = SequenceRequests.JsonBody(9UL, 1);
        body["parameters"]!["sequence_start"] = 1;
        Assert.Contains("parameter 'sequence_start' must be a boolean", await RefusedAsync(SequenceRepositories.Direct, body), StringComparison.Ordinal);

        body = SequenceRequests.JsonBody(null, 1, start: true);
        body["parameters"]!["sequence_id"] = -3;
        Assert.Contains("parameter 'sequence_id' must be an unsigned integer or a string", await RefusedAsync(SequenceRepositories.Direct, body), StringComparison.Ordinal);

        var request = SequenceRequests.Grpc(SequenceRepositories.Direct, 9UL, 1, start: true);
        request.Parameters["sequence_id"] = new InferParameter { DoubleParam = 9 };
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("parameter 'sequence_id' must be an int64_param (>= 0), uint64_param or string_param", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreThanOneRow_Refused()
    {
        var message = await RefusedAsync(SequenceRepositories.Direct, SequenceRequests.JsonBody(77UL, 1, start: true, rows: 2));
        Assert.Contains("has batch size 2: a sequence request carries exactly one row", message, StringComparison.Ordinal);
    }

    private async Task<string> RefusedAsync(string model, JsonObject body)
    {
        using var response = await HttpInfer.PostAsync(_server.Http, model, HttpInfer.Json(body));
        return await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
    }
}
