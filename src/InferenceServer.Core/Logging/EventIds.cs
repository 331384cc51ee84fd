namespace InferenceServer.Core.Logging;

/// <summary>
/// Every event id the server logs with, in one registry (as YARP's <c>EventIds</c>): a log pipeline can alert on an id
/// that never changes meaning. Ranges by subsystem: 1–99 hosting, 100–109 model lifecycle, 110–119 repository polling,
/// 120–129 the request pipeline, 130–139 request tracing, 140–149 the response cache, 200–299 the HTTP front end, 300–399 the gRPC front end,
/// 400–499 model backends, 700–799 shutdown. A new message takes the next free id of
/// its range; an id is never reused for another meaning.
/// </summary>
public static class EventIds
{
    // Hosting (src/InferenceServer/Hosting/InferenceServerHost.cs)
    public const int Loading = 1;
    public const int ExitOnError = 2;
    public const int Listening = 3;
    public const int RepositoryUnreadable = 4;
    public const int CannotListen = 5;
    public const int NoGpu = 6;
    public const int Gpu = 7;
    public const int GpuUse = 8;
    public const int CudaLibraries = 9;
    public const int CudaLibraryNote = 10;

    // Model lifecycle (Core/Models/Lifecycle/Log.cs)
    public const int VersionReady = 100;
    public const int VersionFailed = 101;
    public const int ModelFailed = 102;
    public const int ModelRemoved = 103;
    public const int TrafficFileRejected = 104;
    public const int Rollback = 105;
    public const int VersionKeptByTraffic = 106;

    // Repository polling (Core/Models/Repository/RepositoryPoller.cs)
    public const int PollApplying = 110;
    public const int PollApplyFailed = 111;
    public const int PollScanFailed = 112;

    // The request pipeline (Core/Inference/Pipeline/InferencePipeline.cs)
    public const int AfterStepFailed = 120;

    // Request tracing (Core/Tracing/RequestTracer.cs)
    public const int TraceWriteFailed = 130;

    // The response cache (Core/Caching)
    public const int ResponseCacheUnreachable = 140;
    public const int ResponseCacheRecovered = 141;
    public const int ResponseCacheNotUsed = 142;

    // Request capture (Core/Capture/RequestCapture.cs)
    public const int CaptureStarted = 160;
    public const int CaptureBudgetReached = 161;
    public const int CaptureWriteFailed = 162;
    public const int CaptureFinished = 163;

    // HTTP front end (Protocols/Http/KServeHttpHandler.cs)
    public const int HttpUnexpected = 200;

    // gRPC front end (Protocols/Grpc/GrpcUnexpectedErrors.cs)
    public const int GrpcUnexpected = 300;

    // ONNX Runtime backend (OnnxRuntime/OnnxRuntimeBackend.cs, OnnxModelInstance.cs)
    public const int OnnxInstancesCreated = 400;
    public const int OnnxRunRefused = 401;
    public const int OnnxDeviceFailure = 402;

    // Shutdown (src/InferenceServer/Hosting/ShutdownDrain.cs)
    public const int ShutdownNotReady = 700;
    public const int ShutdownRefusing = 701;
}
