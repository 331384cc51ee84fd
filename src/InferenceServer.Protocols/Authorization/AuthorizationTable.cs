using System.Collections.Frozen;

namespace InferenceServer.Protocols.Authorization;

/// <summary>
/// The one table of who may call what, for both protocols: each <see cref="ServerOperation"/>'s <see cref="AccessRule"/>,
/// the words a refusal uses for it, and which gRPC method is which operation. HTTP's router names the operation of a path;
/// gRPC's <see cref="Grpc.AuthorizationInterceptor"/> looks the method up here.
/// </summary>
public static class AuthorizationTable
{
    public static AccessRule RuleFor(ServerOperation operation) => operation switch
    {
        ServerOperation.None or ServerOperation.ServerLive or ServerOperation.ServerReady or ServerOperation.ModelReady => AccessRule.Open,
        ServerOperation.ModelLoad or ServerOperation.ModelUnload or ServerOperation.TrafficChange => AccessRule.ModelControl,
        ServerOperation.LogSettingsChange or ServerOperation.TraceSettingsChange => AccessRule.SettingsControl,
        ServerOperation.SharedMemoryChange => AccessRule.ControlTokenWhenConfigured,
        _ => AccessRule.InferenceToken,
    };

    /// <summary>What a refused control call was trying to do, as "cannot {verb} '{model}'" says it.</summary>
    public static string Verb(ServerOperation operation) => operation switch
    {
        ServerOperation.ModelLoad => "load",
        ServerOperation.ModelUnload => "unload",
        ServerOperation.TrafficChange => "set the traffic policy of",
        ServerOperation.LogSettingsChange => "change the log settings",
        ServerOperation.SharedMemoryChange => "register or unregister shared memory",
        ServerOperation.TraceSettingsChange => "change the trace settings",
        _ => operation.ToString(),
    };

    private const string Service = "/inference.GRPCInferenceService/";

    /// <summary>
    /// gRPC methods by full name. <c>LogSettings</c> and <c>TraceSetting</c> are reads here; a request carrying settings is a
    /// change (decided by the interceptor).
    /// </summary>
    public static readonly FrozenDictionary<string, ServerOperation> GrpcMethods = new Dictionary<string, ServerOperation>
    {
        [Service + "ServerLive"] = ServerOperation.ServerLive,
        [Service + "ServerReady"] = ServerOperation.ServerReady,
        [Service + "ModelReady"] = ServerOperation.ModelReady,
        [Service + "ServerMetadata"] = ServerOperation.ServerMetadata,
        [Service + "ModelMetadata"] = ServerOperation.ModelMetadata,
        [Service + "ModelConfig"] = ServerOperation.ModelConfig,
        [Service + "ModelStatistics"] = ServerOperation.ModelStatistics,
        [Service + "ModelInfer"] = ServerOperation.Infer,
        [Service + "ModelStreamInfer"] = ServerOperation.Infer,
        [Service + "RepositoryIndex"] = ServerOperation.RepositoryIndex,
        [Service + "RepositoryModelLoad"] = ServerOperation.ModelLoad,
        [Service + "RepositoryModelUnload"] = ServerOperation.ModelUnload,
        [Service + "LogSettings"] = ServerOperation.LogSettingsRead,
        [Service + "TraceSetting"] = ServerOperation.TraceSettingsRead,
        [Service + "SystemSharedMemoryStatus"] = ServerOperation.SharedMemory,
        [Service + "SystemSharedMemoryRegister"] = ServerOperation.SharedMemoryChange,
        [Service + "SystemSharedMemoryUnregister"] = ServerOperation.SharedMemoryChange,
        [Service + "CudaSharedMemoryStatus"] = ServerOperation.SharedMemory,
        [Service + "CudaSharedMemoryRegister"] = ServerOperation.SharedMemoryChange,
        [Service + "CudaSharedMemoryUnregister"] = ServerOperation.SharedMemoryChange,
        ["/grpc.health.v1.Health/Check"] = ServerOperation.ServerReady,
        ["/grpc.health.v1.Health/Watch"] = ServerOperation.ServerReady,
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
