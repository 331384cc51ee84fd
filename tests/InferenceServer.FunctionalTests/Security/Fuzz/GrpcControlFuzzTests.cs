using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using InferenceServer.Core.Models.Repository;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.FuzzTargets.Mutations;
using InferenceServer.ModelBuilder.Repository;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>
/// Mutated repository, control and metadata messages sent as raw bytes, with the control token, to a server in explicit
/// mode: load (with config overrides), unload, index, metadata, config, statistics, readiness and log settings. Every
/// call succeeds or fails with a client status and a message — never INTERNAL or UNKNOWN, never an unexpected error in
/// the log (the test server fails the test on one) — and afterwards the server loads <c>simple</c> and answers it.
/// </summary>
public sealed class GrpcControlFuzzTests : IAsyncLifetime
{
    private const string Token = "fuzz-control-token";

    /// <summary>Loads build sessions: fewer inputs than the inference properties, still every method many times.</summary>
    private const long Iterations = 600;

    private static readonly StatusCode[] ClientStatuses =
    [
        StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.Unimplemented, StatusCode.ResourceExhausted,
        StatusCode.FailedPrecondition, StatusCode.Unavailable,
    ];

    /// <summary>Seeds by method: each seed's name is the method it is sent to.</summary>
    private static readonly IReadOnlyList<(string Name, byte[] Bytes)> Seeds =
    [
        ("RepositoryIndex", new RepositoryIndexRequest { Ready = true }.ToByteArray()),
        ("RepositoryModelLoad", Load("simple", ("config", new ModelRepositoryParameter { StringParam = """{"max_batch_size": 8, "dynamic_batching": {}}""" })).ToByteArray()),
        ("RepositoryModelLoad", Load("simple_string").ToByteArray()),
        ("RepositoryModelUnload", Unload("simple_identity", ("unload_dependents", new ModelRepositoryParameter { BoolParam = true })).ToByteArray()),
        ("ModelMetadata", new ModelMetadataRequest { Name = "simple", Version = "1" }.ToByteArray()),
        ("ModelConfig", new ModelConfigRequest { Name = "simple" }.ToByteArray()),
        ("ModelStatistics", new ModelStatisticsRequest { Name = "simple", Version = "1" }.ToByteArray()),
        ("ModelReady", new ModelReadyRequest { Name = "simple" }.ToByteArray()),
        ("LogSettings", LogVerbose(1).ToByteArray()),
    ];

    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(root => SampleRepositoryWriter.Write(root), options =>
        {
            options.ModelControlMode = ModelControlMode.Explicit;
            options.LoadModels = ["*"];
            options.ControlToken = Token;
        });

        // A mutated config override may well not load: that failure is the answer under test, logged as such.
        _server.ExpectErrorLogs(line => line.Contains(" failed to load: ", StringComparison.Ordinal));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task MutatedControlMessages_AnsweredWithSuccessOrAClientStatus()
    {
        var headers = new Metadata { { "authorization", $"Bearer {Token}" } };

        await MutationGen.Mutated(Seeds).SampleAsync(async input =>
        {
            if (await FuzzRequests.InferenceServiceAsync(_server.Channel, input.SeedName, input.Bytes, headers) is { } error)
            {
                Assert.True(ClientStatuses.Contains(error.StatusCode), $"{error.StatusCode} for {input}: {error.Status.Detail}");
                Assert.False(string.IsNullOrWhiteSpace(error.Status.Detail), $"{error.StatusCode} without a message for {input}");
            }
        }, iter: Iterations, threads: 2, print: input => input.ToString());

        Assert.Null(await FuzzRequests.InferenceServiceAsync(_server.Channel, "RepositoryModelLoad", Load("simple").ToByteArray(), headers));
        await FuzzAnswers.AssertGoodRequestsStillAnsweredAsync(_server);
    }

    private static RepositoryModelLoadRequest Load(string model, params (string Key, ModelRepositoryParameter Value)[] parameters)
    {
        var request = new RepositoryModelLoadRequest { ModelName = model };
        foreach (var (key, value) in parameters)
        {
            request.Parameters[key] = value;
        }

        return request;
    }

    private static RepositoryModelUnloadRequest Unload(string model, params (string Key, ModelRepositoryParameter Value)[] parameters)
    {
        var request = new RepositoryModelUnloadRequest { ModelName = model };
        foreach (var (key, value) in parameters)
        {
            request.Parameters[key] = value;
        }

        return request;
    }

    private static LogSettingsRequest LogVerbose(uint level)
    {
        var request = new LogSettingsRequest();
        request.Settings["log_verbose_level"] = new LogSettingsRequest.Types.SettingValue { Uint32Param = level };
        return request;
    }
}
