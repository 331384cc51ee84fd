namespace InferenceServer.Protocols.Http.Routing;

/// <summary>What a matched path and method is served by.</summary>
internal enum HttpEndpoint
{
    NotFound,
    MethodNotAllowed,
    ServerLive,
    ServerReady,
    ServerMetadata,
    ModelMetadata,
    ModelReady,
    ModelConfig,
    ModelStatistics,
    AllStatistics,
    ModelDrift,
    ModelSketches,
    Infer,
    TrafficRead,
    TrafficChange,
    RepositoryIndex,
    ModelLoad,
    ModelUnload,
    LogSettingsRead,
    LogSettingsChange,
    SharedMemoryStatus,
    SharedMemoryRegister,
    SharedMemoryUnregister,
    TraceSettingsRead,
    TraceSettingsChange,
}
