using InferenceServer.Core.Models.Repository;
using InferenceServer.Hosting.Flags;

namespace InferenceServer.Hosting;

/// <summary>
/// The server's settings, as <see cref="ServerOptionsReader"/> reads them. Each starts from its flag's default in
/// <see cref="ServerFlags"/>, which also holds its range and why the default is what it is; the comments here say
/// what a setting does.
/// </summary>
internal sealed class ServerOptions
{
    /// <summary>Path of the Triton-layout model repository. Required.</summary>
    public string ModelRepository { get; set; } = ServerFlags.ModelRepository.Default;

    /// <summary>Address all listeners bind to.</summary>
    public string Address { get; set; } = ServerFlags.Address.Default;

    /// <summary>HTTP/REST port. 0 picks a free port.</summary>
    public int HttpPort { get; set; } = ServerFlags.HttpPort.Default;

    /// <summary>gRPC port. 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = ServerFlags.GrpcPort.Default;

    /// <summary>Prometheus metrics port. 0 picks a free port.</summary>
    public int MetricsPort { get; set; } = ServerFlags.MetricsPort.Default;

    /// <summary>Listen on <see cref="HttpPort"/>.</summary>
    public bool AllowHttp { get; set; } = ServerFlags.AllowHttp.Default;

    /// <summary>Listen on <see cref="GrpcPort"/>.</summary>
    public bool AllowGrpc { get; set; } = ServerFlags.AllowGrpc.Default;

    /// <summary>Listen on <see cref="MetricsPort"/>.</summary>
    public bool AllowMetrics { get; set; } = ServerFlags.AllowMetrics.Default;

    /// <summary>
    /// Keep per-version latency sketches and input/output distribution sketches with drift scores. Off, the request
    /// path feeds only counters and histograms (the baseline the sketches' cost is measured against).
    /// </summary>
    public bool TelemetrySketches { get; set; } = ServerFlags.TelemetrySketches.Default;

    /// <summary>Also serve <c>/metrics</c> on the HTTP port; the path then answers metrics there instead of the KServe 404.</summary>
    public bool AllowMetricsOnHttpPort { get; set; } = ServerFlags.AllowMetricsOnHttpPort.Default;

    /// <summary>Ready only when every model version is ready.</summary>
    public bool StrictReadiness { get; set; } = ServerFlags.StrictReadiness.Default;

    /// <summary>Exit when a model fails to load at start-up.</summary>
    public bool ExitOnError { get; set; } = ServerFlags.ExitOnError.Default;

    /// <summary>
    /// On SIGTERM/SIGINT: readiness turns false at once and requests already accepted (in flight or queued) are
    /// answered for up to this long before the process exits.
    /// </summary>
    public TimeSpan ExitTimeout { get; set; } = ServerFlags.ExitTimeout.Default;

    /// <summary>
    /// On SIGTERM/SIGINT: how long everything keeps being served after readiness turns false, before new inference
    /// requests are refused (503 / UNAVAILABLE) — time for load balancers to notice. Counted within
    /// <see cref="ExitTimeout"/>. With 0 the listeners close as soon as the accepted requests are answered.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = ServerFlags.ShutdownGrace.Default;

    /// <summary>Verbose log level; 1 adds debug lines (and the frameworks' information), 2 trace lines.</summary>
    public int LogVerbose { get; set; } = ServerFlags.LogVerbose.Default;

    /// <summary>Write information lines.</summary>
    public bool LogInfo { get; set; } = ServerFlags.LogInfo.Default;

    /// <summary>Write warnings.</summary>
    public bool LogWarning { get; set; } = ServerFlags.LogWarning.Default;

    /// <summary>Write errors.</summary>
    public bool LogError { get; set; } = ServerFlags.LogError.Default;

    /// <summary>Largest HTTP request body in bytes, after decompression.</summary>
    public long HttpMaxInputSize { get; set; } = ServerFlags.HttpMaxInputSize.Default;

    /// <summary>Largest gRPC message in bytes, both directions.</summary>
    public int GrpcMaxMessageSize { get; set; } = ServerFlags.GrpcMaxMessageSize.Default;

    /// <summary>Largest total size of an HTTP request's headers in bytes; above it the answer is 431.</summary>
    public int HttpMaxHeaderSize { get; set; } = ServerFlags.HttpMaxHeaderSize.Default;

    /// <summary>TLS on the HTTP listener (<c>--http-server-cert</c>, …).</summary>
    public TlsListenerOptions HttpTls { get; } = new();

    /// <summary>Triton's switch for gRPC TLS; accepted for compatibility: the certificate flags alone turn TLS on.</summary>
    public bool GrpcUseSsl { get; set; } = ServerFlags.GrpcUseSsl.Default;

    /// <summary>TLS on the gRPC listener (Triton's <c>--grpc-use-ssl</c>, <c>--grpc-server-cert</c>, …).</summary>
    public TlsListenerOptions GrpcTls { get; } = new();

    /// <summary>Who changes what is served after start-up: nobody, the repository's folder (poll) or the repository API.</summary>
    public ModelControlMode ModelControlMode { get; set; } = ServerFlags.ModelControlMode.Default;

    /// <summary>
    /// Poll mode: time between scans. A change applies once two consecutive scans agree, so a version appears one to
    /// two intervals after its last file is written.
    /// </summary>
    public TimeSpan RepositoryPollInterval { get; set; } = ServerFlags.RepositoryPollInterval.Default;

    /// <summary>
    /// Poll mode: when set, a version folder is considered only once it holds a file of this name, so an operator
    /// copying slowly (or over a network filesystem with coarse timestamps) writes it last. Empty: no marker.
    /// </summary>
    public string RepositoryPollMarker { get; set; } = ServerFlags.RepositoryPollMarker.Default;

    /// <summary>How many times a version that failed to load is tried again (--model-load-retry-count).</summary>
    public int ModelLoadRetryCount { get; set; } = ServerFlags.ModelLoadRetryCount.Default;

    /// <summary>
    /// A file holding the bearer token control calls (load, unload, traffic policy) must carry; its content is
    /// trimmed. The token can also come from <see cref="ServerFlags.ControlTokenVariable"/>. Without either, control
    /// calls are refused (403).
    /// </summary>
    public string ControlTokenFile { get; set; } = ServerFlags.ControlTokenFile.Default;

    /// <summary>The control token read from the file or the environment (null: none).</summary>
    public string? ControlToken { get; set; }

    /// <summary>
    /// A file holding the bearer token inference and metadata calls must carry (health and metrics stay open); also
    /// <see cref="ServerFlags.InferenceTokenVariable"/>. Without either, inference is open.
    /// </summary>
    public string InferenceTokenFile { get; set; } = ServerFlags.InferenceTokenFile.Default;

    /// <summary>The inference token read from the file or the environment (null: none).</summary>
    public string? InferenceToken { get; set; }

    /// <summary>Explicit mode: the models to load at start-up ("*" = all); none loads nothing.</summary>
    public IReadOnlyList<string> LoadModels { get; set; } = [];

    /// <summary>The <c>--cache-config</c> values, in order (<see cref="Core.Caching.ResponseCacheConfig"/>); none: no response cache.</summary>
    public IReadOnlyList<string> CacheConfig { get; set; } = [];

    /// <summary>The model whose requests are captured (<c>--capture-model</c>); "" captures nothing.</summary>
    public string CaptureModel { get; set; } = ServerFlags.CaptureModel.Default;

    /// <summary>Where the capture goes (<c>--capture-file</c>).</summary>
    public string CaptureFile { get; set; } = ServerFlags.CaptureFile.Default;

    /// <summary>The capture file's byte budget (<c>--capture-bytes</c>).</summary>
    public long CaptureBytes { get; set; } = ServerFlags.CaptureBytes.Default;

    /// <summary>The fraction of requests captured (<c>--capture-sample-rate</c>).</summary>
    public double CaptureSampleRate { get; set; } = ServerFlags.CaptureSampleRate.Default;

    /// <summary>Inputs left out of the capture (<c>--capture-drop-input</c>).</summary>
    public IReadOnlyList<string> CaptureDropInputs { get; set; } = [];

    /// <summary>Inputs captured as their SHA-256 (<c>--capture-hash-input</c>).</summary>
    public IReadOnlyList<string> CaptureHashInputs { get; set; } = [];

    /// <summary>The <c>--trace-config</c> values, in order (<see cref="Core.Tracing.TraceConfig"/>); none leaves tracing off.</summary>
    public IReadOnlyList<string> TraceConfig { get; set; } = [];

    /// <summary>The directory the trace API may name a trace file in; "" = the API cannot change the file.</summary>
    public string TraceDirectory { get; set; } = ServerFlags.TraceDirectory.Default;

    /// <summary>
    /// Byte budget of the pinned tensor pool: native bytes held in size-classed buffers, rented and idle together.
    /// Rents beyond it fall back to plain, exact-size allocations that are counted and freed on return.
    /// </summary>
    public long PinnedMemoryPoolByteSize { get; set; } = ServerFlags.PinnedMemoryPoolByteSize.Default;

    /// <summary>
    /// Debug mode for the pinned tensor pool: every lease records where it was rented (leak reports) and a double
    /// return throws with the first return's stack. Costs a stack capture per rent and return.
    /// </summary>
    public bool PinnedMemoryPoolDebug { get; set; } = ServerFlags.PinnedMemoryPoolDebug.Default;

    /// <summary>
    /// Byte budget of each GPU's device-memory pool, by ordinal; a GPU not named gets the pool's default. The pool
    /// caches that many bytes of size-classed device buffers for batches' inputs and outputs; a rent beyond it
    /// allocates straight from the device (counted).
    /// </summary>
    public IReadOnlyDictionary<int, long> CudaMemoryPoolByteSize { get; set; } = new Dictionary<int, long>();

    /// <summary>
    /// Folders (separated by ':') holding the CUDA and cuDNN libraries of ONNX Runtime's CUDA provider, searched before
    /// the system's loader; empty: the system's loader only.
    /// </summary>
    public string CudaLibraryPath { get; set; } = ServerFlags.CudaLibraryPath.Default;

    /// <summary>
    /// Whether to use the machine's NVIDIA GPUs. The CUDA driver is looked for at start-up; without it, or with this
    /// false, the server runs on the CPU and says so once in its log.
    /// </summary>
    public bool UseGpus { get; set; } = ServerFlags.Gpus.Default;

    /// <summary>The name server metadata reports.</summary>
    public string ServerName { get; set; } = ServerFlags.ServerName.Default;

    /// <summary>Whether clients may register shared-memory regions for their tensors.</summary>
    public bool AllowClientSharedMemory { get; set; } = ServerFlags.AllowClientShm.Default;
}
