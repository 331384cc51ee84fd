using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Models;
using InferenceServer.Core.SharedMemory;
using InferenceServer.Core.Tracing;
using InferenceServer.Protocols.Logging;
using InferenceServer.Protocols.Tracing;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// <c>inference.GRPCInferenceService</c> (brief §3). Errors are gRPC statuses mapped from the same
/// error codes as HTTP; streamed inference reports per-request errors inside the stream.
/// </summary>
public sealed class GrpcInferenceServiceImpl : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>gRPC's server pushback trailer (gRFC A6): milliseconds a client's retry policy waits before retrying.</summary>
    public const string RetryPushbackTrailer = "grpc-retry-pushback-ms";

    private readonly ServerContext _server;
    private readonly ILogger _logger;

    public GrpcInferenceServiceImpl(ServerContext server)
    {
        _server = server;
        _logger = server.Loggers.CreateLogger<GrpcInferenceServiceImpl>();
    }

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = _server.IsLive });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = _server.IsReady });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var error = _server.Models.TryResolve(request.Name, request.Version, out _);
        if (error.IsError && error.Code != InferenceErrorCode.Unavailable)
        {
            throw ToRpc(error);
        }

        return Task.FromResult(new ModelReadyResponse { Ready = !error.IsError && _server.IsLive });
    }

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var response = new ServerMetadataResponse { Name = _server.Options.ServerName, Version = _server.Options.ServerVersion };
        response.Extensions.AddRange(ServerContext.Extensions);
        return Task.FromResult(response);
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var model = Resolve(request.Name, request.Version);
        return Task.FromResult(GrpcResponses.Metadata(model, _server.Models.VersionsOf(request.Name, request.Version, model)));
    }

    public override Task<ModelConfigResponse> ModelConfig(ModelConfigRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelConfigResponse { Config = Resolve(request.Name, request.Version).Config });

    public override Task<ModelStatisticsResponse> ModelStatistics(ModelStatisticsRequest request, ServerCallContext context)
    {
        if (request.Name.Length == 0)
        {
            return Task.FromResult(GrpcResponses.Statistics(_server.Models.Table.Models.Values.OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e => e.ReadyVersions)));
        }

        var error = _server.Models.TryResolve(request.Name, request.Version, out var model);
        if (error.IsError)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"requested model '{request.Name}' is not available: {error.Message}"));
        }

        return Task.FromResult(GrpcResponses.Statistics(_server.Models.VersionsOf(request.Name, request.Version, model!)));
    }

    public override Task<RepositoryIndexResponse> RepositoryIndex(RepositoryIndexRequest request, ServerCallContext context) =>
        Task.FromResult(GrpcResponses.Index(_server.Models.Index(request.Ready)));

    public override async Task<RepositoryModelLoadResponse> RepositoryModelLoad(RepositoryModelLoadRequest request, ServerCallContext context)
    {
        var files = ModelLoadParameters.RefuseFiles(request.Parameters.Keys);
        if (files.IsError)
        {
            throw ToRpc(files);
        }

        global::Inference.ModelConfig? configOverride = null;
        if (request.Parameters.TryGetValue("config", out var config))
        {
            if (config.ParameterChoiceCase != ModelRepositoryParameter.ParameterChoiceOneofCase.StringParam)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "load parameter 'config' must be a string_param holding the model configuration as JSON"));
            }

            if (!Core.Models.Config.ModelConfigJsonReader.TryReadModelConfig(config.StringParam, $"config override for '{request.ModelName}'", out configOverride, out var parseError))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"failed to load '{request.ModelName}': {parseError}"));
            }
        }

        var error = await _server.Lifecycle.LoadAsync(request.ModelName, configOverride).ConfigureAwait(false);
        return error.IsError ? throw ToRpc(error) : new RepositoryModelLoadResponse();
    }

    public override async Task<RepositoryModelUnloadResponse> RepositoryModelUnload(RepositoryModelUnloadRequest request, ServerCallContext context)
    {
        // unload_dependents: the ensembles that call the model are unloaded too.
        var unloadDependents = false;
        if (request.Parameters.TryGetValue("unload_dependents", out var dependents))
        {
            unloadDependents = dependents.ParameterChoiceCase == ModelRepositoryParameter.ParameterChoiceOneofCase.BoolParam
                ? dependents.BoolParam
                : throw new RpcException(new Status(StatusCode.InvalidArgument, "unload parameter 'unload_dependents' must be a bool_param"));
        }

        var error = await _server.Lifecycle.UnloadAsync(request.ModelName, unloadDependents).ConfigureAwait(false);
        return error.IsError ? throw ToRpc(error) : new RepositoryModelUnloadResponse();
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        GrpcAnswer answer;
        try
        {
            answer = await _server.Pipeline.RunAsync<GrpcInferCodec, GrpcAnswer>(Head(request, context), new GrpcInferCodec(request, context, null, _server.SharedMemory)).ConfigureAwait(false);
        }
        catch (Exception ex) when (GrpcUnexpectedErrors.IsUnexpected(ex, context))
        {
            throw GrpcUnexpectedErrors.Report(_logger, context, ex);
        }

        return answer.Error.IsError ? throw ToRpc(answer.Error) : answer.Response!;
    }

    /// <summary>
    /// Each message goes through the pipeline in turn; an error is reported inside the stream, which goes on. Once
    /// shutdown refuses new requests, the stream ends with UNAVAILABLE after answering every message it read, so a
    /// long-lived stream never holds the drain up nor is reset at exit: the client sees which messages were answered
    /// and sends the rest to another replica.
    /// </summary>
    public override async Task ModelStreamInfer(IAsyncStreamReader<ModelInferRequest> requestStream, IServerStreamWriter<ModelStreamInferResponse> responseStream, ServerCallContext context)
    {
        try
        {
            while (await NextUnlessRefusingAsync(requestStream, context).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                await _server.Pipeline.RunAsync<GrpcInferCodec, GrpcAnswer>(Head(request, context), new GrpcInferCodec(request, context, responseStream, _server.SharedMemory)).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The client reset its stream (it went away or cancelled): every message it sent was answered, and there is
            // no one left to tell anything; not an error of the server's.
        }
        catch (Exception ex) when (GrpcUnexpectedErrors.IsUnexpected(ex, context))
        {
            throw GrpcUnexpectedErrors.Report(_logger, context, ex);
        }
    }

    // The next message of a stream, or false at its end; throws UNAVAILABLE once shutdown refuses new requests (a read
    // still pending then is abandoned: the call ends, and nothing it might have returned was read).
    private async Task<bool> NextUnlessRefusingAsync(IAsyncStreamReader<ModelInferRequest> requestStream, ServerCallContext context)
    {
        var refusing = _server.Admission.RefusingBegun;
        if (!refusing.IsCompleted)
        {
            var next = requestStream.MoveNext(context.CancellationToken);
            if (next.IsCompleted || await Task.WhenAny(next, refusing).ConfigureAwait(false) == next)
            {
                return await next.ConfigureAwait(false);
            }

            _ = next.ContinueWith(static read => _ = read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        throw new RpcException(new Status(StatusCode.Unavailable, ServerAdmission.RefusingMessage));
    }

    // gRPC carries the routing key in the message or its metadata, not beside it: the codec finds it when it matters.
    // The caller's W3C trace context comes as metadata (traceparent, tracestate), read only while OpenTelemetry tracing is on.
    private RequestHead Head(ModelInferRequest request, ServerCallContext context)
    {
        var head = new RequestHead(request.ModelName.AsMemory(), request.ModelVersion.AsMemory(), null, Stopwatch.GetTimestamp()) { Protocol = TraceProtocol.Grpc };
        return _server.Tracing.ReadsTraceContext && context.RequestHeaders.GetValue("traceparent") is { } traceParent
            ? head with { TraceParent = traceParent, TraceState = context.RequestHeaders.GetValue("tracestate") }
            : head;
    }

    public override Task<SystemSharedMemoryStatusResponse> SystemSharedMemoryStatus(SystemSharedMemoryStatusRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.Status(request.Name, SharedMemoryKind.System, out var regions);
        if (error.IsError)
        {
            throw ToRpc(error);
        }

        var response = new SystemSharedMemoryStatusResponse();
        foreach (var region in regions)
        {
            response.Regions[region.Name] = new SystemSharedMemoryStatusResponse.Types.RegionStatus
            {
                Name = region.Name,
                Key = region.Key,
                Offset = (ulong)region.Offset,
                ByteSize = (ulong)region.ByteSize,
            };
        }

        return Task.FromResult(response);
    }

    public override Task<SystemSharedMemoryRegisterResponse> SystemSharedMemoryRegister(SystemSharedMemoryRegisterRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.RegisterSystem(request.Name, request.Key, request.Offset, request.ByteSize);
        return error.IsError ? throw ToRpc(error) : Task.FromResult(new SystemSharedMemoryRegisterResponse());
    }

    public override Task<SystemSharedMemoryUnregisterResponse> SystemSharedMemoryUnregister(SystemSharedMemoryUnregisterRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.Unregister(request.Name, SharedMemoryKind.System);
        return error.IsError ? throw ToRpc(error) : Task.FromResult(new SystemSharedMemoryUnregisterResponse());
    }

    public override Task<CudaSharedMemoryStatusResponse> CudaSharedMemoryStatus(CudaSharedMemoryStatusRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.Status(request.Name, SharedMemoryKind.Cuda, out var regions);
        if (error.IsError)
        {
            throw ToRpc(error);
        }

        var response = new CudaSharedMemoryStatusResponse();
        foreach (var region in regions)
        {
            response.Regions[region.Name] = new CudaSharedMemoryStatusResponse.Types.RegionStatus
            {
                Name = region.Name,
                DeviceId = (ulong)region.DeviceId,
                ByteSize = (ulong)region.ByteSize,
            };
        }

        return Task.FromResult(response);
    }

    public override Task<CudaSharedMemoryRegisterResponse> CudaSharedMemoryRegister(CudaSharedMemoryRegisterRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.RegisterCuda(request.Name, request.RawHandle.Span, request.DeviceId, request.ByteSize);
        return error.IsError ? throw ToRpc(error) : Task.FromResult(new CudaSharedMemoryRegisterResponse());
    }

    public override Task<CudaSharedMemoryUnregisterResponse> CudaSharedMemoryUnregister(CudaSharedMemoryUnregisterRequest request, ServerCallContext context)
    {
        var error = _server.SharedMemory.Unregister(request.Name, SharedMemoryKind.Cuda);
        return error.IsError ? throw ToRpc(error) : Task.FromResult(new CudaSharedMemoryUnregisterResponse());
    }

    /// <summary>Triton's trace extension: settings given are a change (the control token); none only reads. A setting with no values clears a model's own value.</summary>
    public override Task<TraceSettingResponse> TraceSetting(TraceSettingRequest request, ServerCallContext context)
    {
        var model = request.ModelName.Length == 0 ? null : request.ModelName;
        if (TraceSettingsRequests.CheckModel(_server, model) is { IsError: true } unknown)
        {
            throw ToRpc(unknown);
        }

        if (request.Settings.Count > 0)
        {
            var changes = request.Settings
                .Select(pair => new TraceSettingChange(pair.Key, pair.Value.Value.Count == 0 ? null : [.. pair.Value.Value]))
                .ToList();
            if (_server.Tracing.TryApply(model, changes) is { } error)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid trace settings: {error}"));
            }
        }

        var settings = _server.Tracing.Read(model);
        var response = new TraceSettingResponse();
        response.Settings[TraceSettingNames.Level] = Values(TraceSettingValues.LevelNames(settings.Level));
        response.Settings[TraceSettingNames.Rate] = Values([TraceSettingValues.Number(settings.Rate)]);
        response.Settings[TraceSettingNames.Count] = Values([TraceSettingValues.Number(settings.Count)]);
        response.Settings[TraceSettingNames.LogFrequency] = Values([TraceSettingValues.Number(settings.LogFrequency)]);
        response.Settings[TraceSettingNames.File] = Values([settings.File]);
        response.Settings[TraceSettingNames.Mode] = Values([TraceSettingValues.ModeName(settings.Mode)]);
        return Task.FromResult(response);

        static TraceSettingResponse.Types.SettingValue Values(IReadOnlyList<string> values)
        {
            var value = new TraceSettingResponse.Types.SettingValue();
            value.Value.AddRange(values);
            return value;
        }
    }

    /// <summary>An empty request reads the settings; one with settings changes them (control token required).</summary>
    public override Task<LogSettingsResponse> LogSettings(LogSettingsRequest request, ServerCallContext context)
    {
        if (request.Settings.Count > 0)
        {
            var changes = request.Settings.Select(pair => pair.Value.ParameterChoiceCase switch
            {
                LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.BoolParam => new LogSetting(pair.Key, Bool: pair.Value.BoolParam),
                LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.Uint32Param => new LogSetting(pair.Key, Number: pair.Value.Uint32Param),
                LogSettingsRequest.Types.SettingValue.ParameterChoiceOneofCase.StringParam => new LogSetting(pair.Key, Text: pair.Value.StringParam),
                _ => new LogSetting(pair.Key),
            }).ToList();
            if (_server.Logging.TryApply(changes) is { } error)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"invalid log settings: {error}"));
            }
        }

        var settings = _server.Logging.Current;
        var response = new LogSettingsResponse();
        response.Settings["log_file"] = new LogSettingsResponse.Types.SettingValue { StringParam = "" };
        response.Settings["log_info"] = new LogSettingsResponse.Types.SettingValue { BoolParam = settings.Info };
        response.Settings["log_warning"] = new LogSettingsResponse.Types.SettingValue { BoolParam = settings.Warning };
        response.Settings["log_error"] = new LogSettingsResponse.Types.SettingValue { BoolParam = settings.Error };
        response.Settings["log_verbose_level"] = new LogSettingsResponse.Types.SettingValue { Uint32Param = settings.VerboseLevel };
        response.Settings["log_format"] = new LogSettingsResponse.Types.SettingValue { StringParam = Logging.LogSettings.Format };
        return Task.FromResult(response);
    }

    private ModelVersion Resolve(string name, string version)
    {
        var error = _server.Models.TryResolve(name, version, out var model);
        return error.IsError ? throw ToRpc(error) : model!;
    }

    // A refusal caused by load carries gRPC's retry pushback (grpc-retry-pushback-ms), which clients with a retry policy wait out.
    private static RpcException ToRpc(InferenceError error) => error.RetryAfterSeconds > 0
        ? new(new Status(ErrorStatus.ToGrpc(error.Code), error.Message), new Metadata { { RetryPushbackTrailer, (error.RetryAfterSeconds * 1000L).ToString(CultureInfo.InvariantCulture) } })
        : new(new Status(ErrorStatus.ToGrpc(error.Code), error.Message));
}
