namespace InferenceServer.Protocols.Authorization;

/// <summary>
/// Every call the server answers, whatever the protocol: both front ends name the operation of a call, and
/// <see cref="AuthorizationTable"/> alone says what it needs.
/// </summary>
public enum ServerOperation
{
    /// <summary>A call that is no operation of the server's (unknown path, unknown gRPC method): nothing to authorize.</summary>
    None,
    ServerLive,
    ServerReady,
    ServerMetadata,
    ModelReady,
    ModelMetadata,
    ModelConfig,
    ModelStatistics,
    ModelTelemetry,
    Infer,
    RepositoryIndex,
    ModelLoad,
    ModelUnload,
    TrafficRead,
    TrafficChange,
    LogSettingsRead,
    LogSettingsChange,
    SharedMemory,
    TraceSettingsRead,
    TraceSettingsChange,
    /// <summary>Registering or unregistering a shared-memory region (reading their status is <see cref="SharedMemory"/>).</summary>
    SharedMemoryChange,
}
