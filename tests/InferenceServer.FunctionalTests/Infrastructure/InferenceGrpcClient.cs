using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Inference;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A client for <c>inference.GRPCInferenceService</c> and <c>grpc.health.v1.Health</c>, written against the
/// wire names (<c>/package.Service/Method</c>) so a renamed RPC on the server fails here. Messages are the
/// server assemblies' public generated types. Every call carries a deadline, and the bearer token given at
/// construction (if any) unless the call names its own headers.
/// </summary>
public sealed class InferenceGrpcClient
{
    private const string InferenceService = "inference.GRPCInferenceService";
    private const string HealthService = "grpc.health.v1.Health";

    private static readonly Method<ServerLiveRequest, ServerLiveResponse> ServerLiveMethod = Unary(InferenceService, "ServerLive", ServerLiveRequest.Parser, ServerLiveResponse.Parser);
    private static readonly Method<ServerReadyRequest, ServerReadyResponse> ServerReadyMethod = Unary(InferenceService, "ServerReady", ServerReadyRequest.Parser, ServerReadyResponse.Parser);
    private static readonly Method<ModelReadyRequest, ModelReadyResponse> ModelReadyMethod = Unary(InferenceService, "ModelReady", ModelReadyRequest.Parser, ModelReadyResponse.Parser);
    private static readonly Method<ServerMetadataRequest, ServerMetadataResponse> ServerMetadataMethod = Unary(InferenceService, "ServerMetadata", ServerMetadataRequest.Parser, ServerMetadataResponse.Parser);
    private static readonly Method<ModelMetadataRequest, ModelMetadataResponse> ModelMetadataMethod = Unary(InferenceService, "ModelMetadata", ModelMetadataRequest.Parser, ModelMetadataResponse.Parser);
    private static readonly Method<ModelInferRequest, ModelInferResponse> ModelInferMethod = Unary(InferenceService, "ModelInfer", ModelInferRequest.Parser, ModelInferResponse.Parser);
    private static readonly Method<ModelConfigRequest, ModelConfigResponse> ModelConfigMethod = Unary(InferenceService, "ModelConfig", ModelConfigRequest.Parser, ModelConfigResponse.Parser);
    private static readonly Method<ModelStatisticsRequest, ModelStatisticsResponse> ModelStatisticsMethod = Unary(InferenceService, "ModelStatistics", ModelStatisticsRequest.Parser, ModelStatisticsResponse.Parser);
    private static readonly Method<RepositoryIndexRequest, RepositoryIndexResponse> RepositoryIndexMethod = Unary(InferenceService, "RepositoryIndex", RepositoryIndexRequest.Parser, RepositoryIndexResponse.Parser);
    private static readonly Method<RepositoryModelLoadRequest, RepositoryModelLoadResponse> RepositoryModelLoadMethod = Unary(InferenceService, "RepositoryModelLoad", RepositoryModelLoadRequest.Parser, RepositoryModelLoadResponse.Parser);
    private static readonly Method<RepositoryModelUnloadRequest, RepositoryModelUnloadResponse> RepositoryModelUnloadMethod = Unary(InferenceService, "RepositoryModelUnload", RepositoryModelUnloadRequest.Parser, RepositoryModelUnloadResponse.Parser);
    private static readonly Method<SystemSharedMemoryStatusRequest, SystemSharedMemoryStatusResponse> SystemSharedMemoryStatusMethod = Unary(InferenceService, "SystemSharedMemoryStatus", SystemSharedMemoryStatusRequest.Parser, SystemSharedMemoryStatusResponse.Parser);
    private static readonly Method<SystemSharedMemoryRegisterRequest, SystemSharedMemoryRegisterResponse> SystemSharedMemoryRegisterMethod = Unary(InferenceService, "SystemSharedMemoryRegister", SystemSharedMemoryRegisterRequest.Parser, SystemSharedMemoryRegisterResponse.Parser);
    private static readonly Method<SystemSharedMemoryUnregisterRequest, SystemSharedMemoryUnregisterResponse> SystemSharedMemoryUnregisterMethod = Unary(InferenceService, "SystemSharedMemoryUnregister", SystemSharedMemoryUnregisterRequest.Parser, SystemSharedMemoryUnregisterResponse.Parser);
    private static readonly Method<CudaSharedMemoryStatusRequest, CudaSharedMemoryStatusResponse> CudaSharedMemoryStatusMethod = Unary(InferenceService, "CudaSharedMemoryStatus", CudaSharedMemoryStatusRequest.Parser, CudaSharedMemoryStatusResponse.Parser);
    private static readonly Method<CudaSharedMemoryRegisterRequest, CudaSharedMemoryRegisterResponse> CudaSharedMemoryRegisterMethod = Unary(InferenceService, "CudaSharedMemoryRegister", CudaSharedMemoryRegisterRequest.Parser, CudaSharedMemoryRegisterResponse.Parser);
    private static readonly Method<LogSettingsRequest, LogSettingsResponse> LogSettingsMethod = Unary(InferenceService, "LogSettings", LogSettingsRequest.Parser, LogSettingsResponse.Parser);
    private static readonly Method<TraceSettingRequest, TraceSettingResponse> TraceSettingMethod = Unary(InferenceService, "TraceSetting", TraceSettingRequest.Parser, TraceSettingResponse.Parser);
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> HealthCheckMethod = Unary(HealthService, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    private static readonly Method<ModelInferRequest, ModelStreamInferResponse> ModelStreamInferMethod = new(
        MethodType.DuplexStreaming, InferenceService, "ModelStreamInfer", Marshal(ModelInferRequest.Parser), Marshal(ModelStreamInferResponse.Parser));

    private readonly CallInvoker _invoker;
    private readonly Metadata? _defaultHeaders;

    public InferenceGrpcClient(ChannelBase channel, string? bearerToken = null)
    {
        _invoker = channel.CreateCallInvoker();
        _defaultHeaders = bearerToken is null ? null : new Metadata { { "authorization", $"Bearer {bearerToken}" } };
    }

    public Task<ServerLiveResponse> ServerLiveAsync() => Call(ServerLiveMethod, new ServerLiveRequest());

    public Task<ServerReadyResponse> ServerReadyAsync() => Call(ServerReadyMethod, new ServerReadyRequest());

    public Task<ModelReadyResponse> ModelReadyAsync(string name, string version = "") => Call(ModelReadyMethod, new ModelReadyRequest { Name = name, Version = version });

    public Task<ServerMetadataResponse> ServerMetadataAsync() => Call(ServerMetadataMethod, new ServerMetadataRequest());

    public Task<ModelMetadataResponse> ModelMetadataAsync(string name, string version = "") => Call(ModelMetadataMethod, new ModelMetadataRequest { Name = name, Version = version });

    public Task<ModelInferResponse> ModelInferAsync(ModelInferRequest request) => Call(ModelInferMethod, request);

    /// <summary>Inference with call metadata of the caller's (a trace context); the client's token is not added.</summary>
    public Task<ModelInferResponse> ModelInferAsync(ModelInferRequest request, Metadata headers) => Call(ModelInferMethod, request, headers);

    public Task<ModelConfigResponse> ModelConfigAsync(string name, string version = "") => Call(ModelConfigMethod, new ModelConfigRequest { Name = name, Version = version });

    public Task<ModelStatisticsResponse> ModelStatisticsAsync(string name = "", string version = "") => Call(ModelStatisticsMethod, new ModelStatisticsRequest { Name = name, Version = version });

    public Task<RepositoryIndexResponse> RepositoryIndexAsync(bool ready = false) => Call(RepositoryIndexMethod, new RepositoryIndexRequest { Ready = ready });

    public Task<RepositoryModelLoadResponse> RepositoryModelLoadAsync(string name) => Call(RepositoryModelLoadMethod, new RepositoryModelLoadRequest { ModelName = name });

    public Task<RepositoryModelLoadResponse> RepositoryModelLoadAsync(RepositoryModelLoadRequest request) => Call(RepositoryModelLoadMethod, request);

    public Task<RepositoryModelUnloadResponse> RepositoryModelUnloadAsync(string name, Metadata? headers = null) => Call(RepositoryModelUnloadMethod, new RepositoryModelUnloadRequest { ModelName = name }, headers);

    public Task<RepositoryModelUnloadResponse> RepositoryModelUnloadAsync(RepositoryModelUnloadRequest request) => Call(RepositoryModelUnloadMethod, request);

    public Task<SystemSharedMemoryStatusResponse> SystemSharedMemoryStatusAsync(string name = "") => Call(SystemSharedMemoryStatusMethod, new SystemSharedMemoryStatusRequest { Name = name });

    public Task<SystemSharedMemoryRegisterResponse> SystemSharedMemoryRegisterAsync(SystemSharedMemoryRegisterRequest request, Metadata? headers = null) =>
        Call(SystemSharedMemoryRegisterMethod, request, headers);

    public Task<SystemSharedMemoryUnregisterResponse> SystemSharedMemoryUnregisterAsync(string name = "", Metadata? headers = null) =>
        Call(SystemSharedMemoryUnregisterMethod, new SystemSharedMemoryUnregisterRequest { Name = name }, headers);

    public Task<CudaSharedMemoryStatusResponse> CudaSharedMemoryStatusAsync(string name = "") => Call(CudaSharedMemoryStatusMethod, new CudaSharedMemoryStatusRequest { Name = name });

    public Task<CudaSharedMemoryRegisterResponse> CudaSharedMemoryRegisterAsync(CudaSharedMemoryRegisterRequest request) => Call(CudaSharedMemoryRegisterMethod, request);

    public Task<LogSettingsResponse> LogSettingsAsync(LogSettingsRequest request) => Call(LogSettingsMethod, request);

    public Task<TraceSettingResponse> TraceSettingAsync(TraceSettingRequest request) => Call(TraceSettingMethod, request);

    public Task<HealthCheckResponse> HealthCheckAsync(string service = "") => Call(HealthCheckMethod, new HealthCheckRequest { Service = service });

    /// <summary>Opens a bidirectional inference stream; the caller disposes the call.</summary>
    public AsyncDuplexStreamingCall<ModelInferRequest, ModelStreamInferResponse> ModelStreamInfer() =>
        _invoker.AsyncDuplexStreamingCall(ModelStreamInferMethod, null, Options());

    private Task<TResponse> Call<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, Metadata? headers = null)
        where TRequest : class
        where TResponse : class
        => _invoker.AsyncUnaryCall(method, null, Options(headers), request).ResponseAsync;

    private CallOptions Options(Metadata? headers = null) => new(headers ?? _defaultHeaders, deadline: DateTime.UtcNow + TestTimeouts.Request);

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
        => new(MethodType.Unary, service, name, Marshal(request), Marshal(response));

    private static Marshaller<T> Marshal<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
        => Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
}
