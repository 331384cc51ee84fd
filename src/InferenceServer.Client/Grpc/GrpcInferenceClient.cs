using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using InferenceServer.Client.Models;
using InferenceServer.Client.Transport;
using ModelStatistics = InferenceServer.Client.Models.ModelStatistics;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// The KServe v2 gRPC protocol (<c>inference.GRPCInferenceService</c>): unary calls and <c>ModelStreamInfer</c>. Works
/// over a <see cref="GrpcChannel"/> or any <see cref="CallInvoker"/> (an intercepted one, a grpc-dotnet client factory's),
/// or a channel of its own. The traffic-policy and drift endpoints are HTTP only and throw <see cref="NotSupportedException"/> here.
/// </summary>
public sealed class GrpcInferenceClient : InferenceClient
{
    // Triton's JSON form of a config keeps the proto field names (max_batch_size, not maxBatchSize).
    private static readonly JsonFormatter ConfigFormatter = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private readonly CallInvoker _invoker;
    private readonly GRPCInferenceService.GRPCInferenceServiceClient _service;
    private readonly GrpcChannel? _ownedChannel;
    private readonly Metadata? _inferenceHeaders;
    private readonly Metadata? _controlHeaders;

    /// <summary>A client over <paramref name="channel"/> (not disposed with the client).</summary>
    public GrpcInferenceClient(GrpcChannel channel, InferenceClientOptions? options = null)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CreateCallInvoker(), options)
    {
    }

    /// <summary>A client over <paramref name="invoker"/>.</summary>
    public GrpcInferenceClient(CallInvoker invoker, InferenceClientOptions? options = null)
        : this(invoker, null, options)
    {
    }

    /// <summary>A client with a channel of its own (disposed with the client) to the server at <paramref name="address"/> (<c>http://host:8001</c>).</summary>
    public GrpcInferenceClient(Uri address, InferenceClientOptions? options = null)
        : this(CreateChannel(address), options, owned: true)
    {
    }

    private GrpcInferenceClient(GrpcChannel channel, InferenceClientOptions? options, bool owned)
        : this(channel.CreateCallInvoker(), owned ? channel : null, options)
    {
    }

    private GrpcInferenceClient(CallInvoker invoker, GrpcChannel? ownedChannel, InferenceClientOptions? options)
        : base(options)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        _invoker = invoker;
        _service = new GRPCInferenceService.GRPCInferenceServiceClient(invoker);
        _ownedChannel = ownedChannel;
        _inferenceHeaders = Bearer(Options.InferenceToken);
        _controlHeaders = Bearer(Options.ControlToken);
    }

    /// <inheritdoc />
    public override string Protocol => "grpc";

    /// <summary>A channel suited to inference: no message size limits (tensors are large), several HTTP/2 connections when streams pile up.</summary>
    public static GrpcChannel CreateChannel(Uri address) => GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    });

    /// <inheritdoc />
    public override async Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync("ServerLive", o => _service.ServerLiveAsync(new ServerLiveRequest(), o), false, cancellationToken).ConfigureAwait(false)).Live;

    /// <inheritdoc />
    public override async Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync("ServerReady", o => _service.ServerReadyAsync(new ServerReadyRequest(), o), false, cancellationToken).ConfigureAwait(false)).Ready;

    /// <inheritdoc />
    public override async Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ServerMetadata", o => _service.ServerMetadataAsync(new ServerMetadataRequest(), o), false, cancellationToken).ConfigureAwait(false);
        return new ServerMetadata(response.Name, response.Version, [.. response.Extensions]);
    }

    /// <inheritdoc />
    public override async Task<bool> IsModelReadyAsync(string model, string version = "", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        try
        {
            var response = await CallAsync("ModelReady", o => _service.ModelReadyAsync(new ModelReadyRequest { Name = model, Version = version }, o), false, cancellationToken).ConfigureAwait(false);
            return response.Ready;
        }
        catch (Errors.InferenceServerException e) when (e.GrpcStatus == StatusCode.NotFound)
        {
            // A model or version the server does not know is not ready: the answer HTTP gives (a non-200 status) too.
            return false;
        }
    }

    /// <inheritdoc />
    public override async Task<ModelMetadata> GetModelMetadataAsync(string model, string version = "", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var response = await CallAsync("ModelMetadata", o => _service.ModelMetadataAsync(new ModelMetadataRequest { Name = model, Version = version }, o), false, cancellationToken).ConfigureAwait(false);
        return new ModelMetadata(response.Name, [.. response.Versions], response.Platform, Tensors(response.Inputs), Tensors(response.Outputs));
    }

    /// <inheritdoc />
    public override async Task<ModelConfiguration> GetModelConfigAsync(string model, string version = "", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var response = await CallAsync("ModelConfig", o => _service.ModelConfigAsync(new ModelConfigRequest { Name = model, Version = version }, o), false, cancellationToken).ConfigureAwait(false);
        var config = response.Config ?? new ModelConfig();
        return new ModelConfiguration(
            config.Name, config.Platform, config.Backend, config.MaxBatchSize, ConfigTensors(config.Input), ConfigTensors(config.Output),
            ConfigFormatter.Format(config));
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<ModelStatistics>> GetModelStatisticsAsync(string model = "", string version = "", CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("ModelStatistics", o => _service.ModelStatisticsAsync(new ModelStatisticsRequest { Name = model, Version = version }, o), false, cancellationToken).ConfigureAwait(false);
        var result = new List<ModelStatistics>(response.ModelStats.Count);
        foreach (var stats in response.ModelStats)
        {
            var inference = stats.InferenceStats ?? new InferStatistics();
            result.Add(new ModelStatistics(
                stats.Name, stats.Version, (long)stats.LastInference, (long)stats.InferenceCount, (long)stats.ExecutionCount,
                Duration(inference.Success), Duration(inference.Fail), Duration(inference.Queue), Duration(inference.ComputeInput),
                Duration(inference.ComputeInfer), Duration(inference.ComputeOutput), Duration(inference.CacheHit), Duration(inference.CacheMiss)));
        }

        return result;
    }

    /// <inheritdoc />
    public override async Task<IReadOnlyList<RepositoryModel>> GetRepositoryIndexAsync(bool readyOnly = false, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("RepositoryIndex", o => _service.RepositoryIndexAsync(new RepositoryIndexRequest { Ready = readyOnly }, o), false, cancellationToken).ConfigureAwait(false);
        var result = new List<RepositoryModel>(response.Models.Count);
        foreach (var row in response.Models)
        {
            result.Add(new RepositoryModel(row.Name, row.Version, row.State, row.Reason));
        }

        return result;
    }

    /// <inheritdoc />
    public override Task LoadModelAsync(string model, string? configJson = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var request = new RepositoryModelLoadRequest { ModelName = model };
        if (configJson is not null)
        {
            request.Parameters["config"] = new ModelRepositoryParameter { StringParam = configJson };
        }

        return CallAsync("RepositoryModelLoad", o => _service.RepositoryModelLoadAsync(request, o), true, cancellationToken);
    }

    /// <inheritdoc />
    public override Task UnloadModelAsync(string model, bool unloadDependents = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        var request = new RepositoryModelUnloadRequest { ModelName = model };
        if (unloadDependents)
        {
            request.Parameters["unload_dependents"] = new ModelRepositoryParameter { BoolParam = true };
        }

        return CallAsync("RepositoryModelUnload", o => _service.RepositoryModelUnloadAsync(request, o), true, cancellationToken);
    }

    /// <summary>
    /// Opens a <c>ModelStreamInfer</c> call. The stream has no deadline of its own unless <paramref name="deadline"/> is
    /// given (<see cref="InferenceClientOptions.Timeout"/> bounds unary calls, not a stream's whole life).
    /// </summary>
    public InferStream OpenStream(DateTime? deadline = null, CancellationToken cancellationToken = default) =>
        new(_invoker.AsyncDuplexStreamingCall(GrpcInferMethods.ModelStreamInfer, null, new CallOptions(_inferenceHeaders, deadline, cancellationToken)));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedChannel?.Dispose();
        }

        base.Dispose(disposing);
    }

    private protected override async Task<InferResult> InferCoreAsync(InferRequest request, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                using var call = _invoker.AsyncUnaryCall(GrpcInferMethods.ModelInfer, null, CallOptions(false, cancellationToken), request);
                return await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (retry < Options.ConnectRetries && !cancellationToken.IsCancellationRequested && GrpcErrors.NothingWasSent(e))
            {
                await Task.Delay(ConnectRetry.Delay(Options, retry), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw GrpcErrors.Translate(e, "ModelInfer", cancellationToken);
            }
        }
    }

    private async Task<T> CallAsync<T>(string method, Func<CallOptions, AsyncUnaryCall<T>> call, bool control, CancellationToken cancellationToken)
    {
        for (var retry = 0; ; retry++)
        {
            try
            {
                using var pending = call(CallOptions(control, cancellationToken));
                return await pending.ResponseAsync.ConfigureAwait(false);
            }
            catch (RpcException e) when (retry < Options.ConnectRetries && !cancellationToken.IsCancellationRequested && GrpcErrors.NothingWasSent(e))
            {
                await Task.Delay(ConnectRetry.Delay(Options, retry), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e)
            {
                throw GrpcErrors.Translate(e, method, cancellationToken);
            }
        }
    }

    private CallOptions CallOptions(bool control, CancellationToken cancellationToken) =>
        new(control ? _controlHeaders : _inferenceHeaders, Options.Timeout is { } timeout ? DateTime.UtcNow + timeout : null, cancellationToken);

    private static Metadata? Bearer(string? token) => token is null ? null : new Metadata { { "authorization", "Bearer " + token } };

    private static List<TensorMetadata> Tensors(IEnumerable<ModelMetadataResponse.Types.TensorMetadata> tensors)
    {
        var result = new List<TensorMetadata>();
        foreach (var tensor in tensors)
        {
            result.Add(new TensorMetadata(tensor.Name, tensor.Datatype, [.. tensor.Shape]));
        }

        return result;
    }

    private static List<TensorMetadata> ConfigTensors(IEnumerable<ModelInput> inputs)
    {
        var result = new List<TensorMetadata>();
        foreach (var input in inputs)
        {
            result.Add(new TensorMetadata(input.Name, ConfigDataTypes.FromEnum(input.DataType), [.. input.Dims]));
        }

        return result;
    }

    private static List<TensorMetadata> ConfigTensors(IEnumerable<ModelOutput> outputs)
    {
        var result = new List<TensorMetadata>();
        foreach (var output in outputs)
        {
            result.Add(new TensorMetadata(output.Name, ConfigDataTypes.FromEnum(output.DataType), [.. output.Dims]));
        }

        return result;
    }

    private static DurationStatistic Duration(StatisticDuration? duration) =>
        duration is null ? default : new DurationStatistic((long)duration.Count, (long)duration.Ns);
}
