using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Sequences;

/// <summary>
/// Many sequences at once through the sequence batcher, over HTTP, gRPC and gRPC streams, under both strategies. Every
/// sequence sends its steps one after another while all sequences run concurrently (so requests of different sequences
/// share batches), and there are more sequences than slots (so some wait in the backlog for a slot an END frees).
/// Invariants: each answer is its own sequence's running sum (state never leaks between sequences or runs out of order);
/// the server's control tensors reach the model (READY 1, END on the last request only, CORRID the sequence's id); the
/// state output leaves the answer unless it is a configured output; statistics count every sequence request.
/// </summary>
public sealed class SequenceInterleavingTests(SequenceServerFixture fixture) : IClassFixture<SequenceServerFixture>
{
    private const int Steps = 5;
    private readonly TestServer _server = fixture.Server;

    private static int ValueAt(int sequence, int step) => (sequence * 100) + step + 1;

    [Fact]
    public async Task Http_Direct_TwiceAsManySequencesAsSlots_EachAnswerIsItsOwnRunningSum()
    {
        const string Model = SequenceRepositories.Direct;
        const int Sequences = 2 * SequenceRepositories.DirectSlots;
        var before = await SuccessCountAsync(Model);

        await Task.WhenAll(Enumerable.Range(0, Sequences).Select(async s =>
        {
            var id = (ulong)(1000 + s);
            for (var step = 0; step < Steps; step++)
            {
                var result = await SequenceRequests.PostAsync(_server, Model, id, ValueAt(s, step), start: step == 0, end: step == Steps - 1);
                Assert.Equal([SequenceRequests.RunningSum(k => ValueAt(s, k), step)], result.Int32Data("OUTPUT"));
                Assert.Equal(["OUTPUT"], result.OutputNames);
            }
        })).WithTimeout();

        Assert.Equal(Sequences * Steps, await SuccessCountAsync(Model) - before);
        Assert.Equal(0, _server.Model(Model).Sequences!.LiveCount);
    }

    [Fact]
    public async Task Http_StringIds_AreSequencesOfTheirOwn_DistinctFromNumbers()
    {
        const string Model = SequenceRepositories.Direct;
        await SequenceRequests.PostAsync(_server, Model, "7", 10, start: true);
        await SequenceRequests.PostAsync(_server, Model, 7UL, 1, start: true);

        Assert.Equal(15, (await SequenceRequests.PostAsync(_server, Model, "7", 5, end: true)).Int32Data("OUTPUT").Single());
        Assert.Equal(3, (await SequenceRequests.PostAsync(_server, Model, 7UL, 2, end: true)).Int32Data("OUTPUT").Single());
    }

    [Fact]
    public async Task GrpcUnary_Oldest_MoreSequencesThanCandidates_RunningSumsAndControlsPerSequence()
    {
        const string Model = SequenceRepositories.Oldest;
        const int Sequences = SequenceRepositories.OldestCandidates + 4;
        await Task.WhenAll(Enumerable.Range(0, Sequences).Select(async s =>
        {
            var id = (1UL << 40) + (ulong)s;
            for (var step = 0; step < Steps; step++)
            {
                var last = step == Steps - 1;
                var response = await _server.Grpc.ModelInferAsync(SequenceRequests.Grpc(Model, id, ValueAt(s, step), start: step == 0, end: last));
                var sum = SequenceRequests.RunningSum(k => ValueAt(s, k), step);
                Assert.Equal(sum, SequenceRequests.Int32(response, "OUTPUT"));
                Assert.Equal(sum, SequenceRequests.Int32(response, "STATE_OUT"));
                Assert.Equal(1, SequenceRequests.Int32(response, "READY_OUT"));
                Assert.Equal(last ? 1 : 0, SequenceRequests.Int32(response, "END_OUT"));
                Assert.Equal(id, BitConverter.ToUInt64(SequenceRequests.Raw(response, "CORRID_OUT").Span));
            }
        })).WithTimeout();

        Assert.Equal(0, _server.Model(Model).Sequences!.LiveCount);
    }

    [Fact]
    public async Task GrpcStream_SequencesInterleavedOnEachStream_EachAnswerIsItsOwnRunningSum()
    {
        const string Model = SequenceRepositories.Direct;
        // Every sequence a stream interleaves must hold a slot at once: a stream waits on each answer in turn, so one whose
        // next start waited for a slot held by its own (or another waiting stream's) sequences would wait for ever.
        const int Streams = 4;
        const int SequencesPerStream = SequenceRepositories.DirectSlots / Streams;
        await Task.WhenAll(Enumerable.Range(0, Streams).Select(async stream =>
        {
            using var call = _server.Grpc.ModelStreamInfer();
            for (var step = 0; step < Steps; step++)
            {
                for (var local = 0; local < SequencesPerStream; local++)
                {
                    var s = (stream * SequencesPerStream) + local;
                    var request = SequenceRequests.Grpc(Model, $"stream-{s}", ValueAt(s, step), start: step == 0, end: step == Steps - 1, requestId: $"{s}/{step}");
                    await call.RequestStream.WriteAsync(request).WithTimeout();
                    Assert.True(await call.ResponseStream.MoveNext().WithTimeout());
                    var answer = call.ResponseStream.Current;
                    Assert.Empty(answer.ErrorMessage);
                    Assert.Equal($"{s}/{step}", answer.InferResponse.Id);
                    Assert.Equal(SequenceRequests.RunningSum(k => ValueAt(s, k), step), SequenceRequests.Int32(answer.InferResponse, "OUTPUT"));
                    Assert.Equal(["OUTPUT"], answer.InferResponse.Outputs.Select(o => o.Name));
                }
            }

            await call.RequestStream.CompleteAsync().WithTimeout();
            Assert.False(await call.ResponseStream.MoveNext().WithTimeout());
        })).WithTimeout();
    }

    [Fact]
    public async Task Metadata_ListsTheSequenceExtension_AndNoServerTensors()
    {
        var server = await _server.Grpc.ServerMetadataAsync();
        Assert.Contains("sequence", server.Extensions);

        var model = await _server.Grpc.ModelMetadataAsync(SequenceRepositories.Oldest);
        Assert.Equal(["INPUT"], model.Inputs.Select(i => i.Name));
        Assert.DoesNotContain(model.Outputs, o => o.Name is "START" or "CORRID" or "STATE_IN");
    }

    private async Task<long> SuccessCountAsync(string model)
    {
        var statistics = await _server.Grpc.ModelStatisticsAsync(model);
        return (long)statistics.ModelStats.Single().InferenceStats.Success.Count;
    }
}
