namespace InferenceServer.Hosting;

/// <summary>
/// The server's settings. Flags follow tritonserver's names so the binary drops into places that start
/// Triton. Each can also come from an environment variable (<c>INFERENCE_SERVER_</c> + the flag in
/// upper case with '_' for '-', e.g. <c>INFERENCE_SERVER_HTTP_PORT</c>) or from <c>appsettings.json</c>
/// beside the binary (key = the flag without dashes). The command line wins over the environment,
/// which wins over the file.
/// </summary>
internal sealed class ServerOptions
{
    /// <summary>Path of the Triton-layout model repository. Required.</summary>
    public string ModelRepository { get; set; } = "";

    /// <summary>Address all listeners bind to (default: every interface, as Triton).</summary>
    public string Address { get; set; } = "0.0.0.0";

    /// <summary>HTTP/REST port (Triton: 8000). 0 picks a free port.</summary>
    public int HttpPort { get; set; } = 8000;

    /// <summary>gRPC port (Triton: 8001). 0 picks a free port.</summary>
    public int GrpcPort { get; set; } = 8001;

    /// <summary>Prometheus metrics port (Triton: 8002). 0 picks a free port.</summary>
    public int MetricsPort { get; set; } = 8002;

    public bool AllowHttp { get; set; } = true;

    public bool AllowGrpc { get; set; } = true;

    public bool AllowMetrics { get; set; } = true;

    /// <summary>
    /// Keep per-version latency sketches and input/output distribution sketches with drift scores (default true).
    /// Off, the request path feeds only counters and histograms (the baseline the sketches' cost is measured against).
    /// </summary>
    public bool TelemetrySketches { get; set; } = true;

    /// <summary>
    /// Also serve <c>/metrics</c> on the HTTP port (default false): for platforms that scrape one port per pod.
    /// The path then answers metrics there instead of the KServe 404.
    /// </summary>
    public bool AllowMetricsOnHttpPort { get; set; }

    /// <summary>Ready only when every model version is ready (Triton default: true).</summary>
    public bool StrictReadiness { get; set; } = true;

    /// <summary>Exit when a model fails to load at start-up (Triton default: true).</summary>
    public bool ExitOnError { get; set; } = true;

    /// <summary>
    /// On SIGTERM/SIGINT: readiness turns false at once and requests already accepted (in flight or queued) are
    /// answered for up to this long before the process exits (Triton's --exit-timeout-secs: 30). Match it with
    /// Kubernetes' terminationGracePeriodSeconds.
    /// </summary>
    public TimeSpan ExitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On SIGTERM/SIGINT: how long everything keeps being served after readiness turns false, before new inference
    /// requests are refused (503 / UNAVAILABLE) — time for load balancers to notice. Counted within
    /// <see cref="ExitTimeout"/>. Default 5 s; with a Kubernetes preStop sleep doing the same job, 0 is fine (and
    /// then the listeners close as soon as the accepted requests are answered).
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Verbose log level; 1 adds debug lines (and the frameworks' information), 2 trace lines.</summary>
    public int LogVerbose { get; set; }

    /// <summary>Write information lines (Triton's --log-info).</summary>
    public bool LogInfo { get; set; } = true;

    /// <summary>Write warnings (Triton's --log-warning).</summary>
    public bool LogWarning { get; set; } = true;

    /// <summary>Write errors (Triton's --log-error).</summary>
    public bool LogError { get; set; } = true;

    /// <summary>Largest HTTP request body in bytes (Triton's --http-max-input-size: 64 MiB).</summary>
    public long HttpMaxInputSize { get; set; } = 64L << 20;

    /// <summary>Largest gRPC message in bytes, both directions (Triton: 2^31-1).</summary>
    public int GrpcMaxMessageSize { get; set; } = int.MaxValue;

    /// <summary>Largest total size of an HTTP request's headers in bytes; above it the answer is 431 (Kestrel's 32 KiB).</summary>
    public int HttpMaxHeaderSize { get; set; } = 32 << 10;

    /// <summary>TLS on the HTTP listener (<c>--http-server-cert</c>, …).</summary>
    public TlsListenerOptions HttpTls { get; } = new();

    /// <summary>Triton's switch for gRPC TLS; accepted for compatibility: the certificate flags alone turn TLS on.</summary>
    public bool GrpcUseSsl { get; set; }

    /// <summary>TLS on the gRPC listener (Triton's <c>--grpc-use-ssl</c>, <c>--grpc-server-cert</c>, …).</summary>
    public TlsListenerOptions GrpcTls { get; } = new();

    /// <summary>
    /// Model control mode: none (load everything at start-up, no changes), poll (load everything, then apply
    /// repository changes as they settle) or explicit (the repository API loads and unloads).
    /// </summary>
    public string ModelControlMode { get; set; } = "none";

    /// <summary>
    /// Poll mode: time between scans (Triton's --repository-poll-secs: 15 s). A change applies once two
    /// consecutive scans agree, so a version appears one to two intervals after its last file is written.
    /// </summary>
    public TimeSpan RepositoryPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Poll mode: when set, a version folder is considered only once it holds a file of this name, so an
    /// operator copying slowly (or over a network filesystem with coarse timestamps) writes it last. Default: none.
    /// </summary>
    public string RepositoryPollMarker { get; set; } = "";

    /// <summary>
    /// A file holding the bearer token control calls (load, unload, traffic policy) must carry; its content is
    /// trimmed. The token can also come from <c>INFERENCE_SERVER_CONTROL_TOKEN</c>. Default: none, and then
    /// control calls are refused (403).
    /// </summary>
    public string ControlTokenFile { get; set; } = "";

    /// <summary>The control token read from the file or the environment (null: none).</summary>
    public string? ControlToken { get; set; }

    /// <summary>
    /// A file holding the bearer token inference and metadata calls must carry (health and metrics stay open); also
    /// <c>INFERENCE_SERVER_INFERENCE_TOKEN</c>. Default: none (inference is open, as in Triton).
    /// </summary>
    public string InferenceTokenFile { get; set; } = "";

    /// <summary>The inference token read from the file or the environment (null: none).</summary>
    public string? InferenceToken { get; set; }

    /// <summary>Explicit mode: the models to load at start-up ("*" = all); none loads nothing.</summary>
    public IReadOnlyList<string> LoadModels { get; set; } = [];

    /// <summary>
    /// Byte budget of the pinned tensor pool: native bytes held in size-classed buffers, rented and idle
    /// together (Triton's --pinned-memory-pool-byte-size: 256 MiB; 0 or more). Rents beyond it fall back
    /// to plain, exact-size allocations that are counted and freed on return.
    /// </summary>
    public long PinnedMemoryPoolByteSize { get; set; } = 256L << 20;

    /// <summary>
    /// Debug mode for the pinned tensor pool (default false): every lease records where it was rented
    /// (leak reports) and a double return throws with the first return's stack. Costs a stack capture
    /// per rent and return, so it is for tests and leak hunting, not production.
    /// </summary>
    public bool PinnedMemoryPoolDebug { get; set; }

    /// <summary>
    /// Byte budget of each GPU's device-memory pool, by ordinal (Triton's --cuda-memory-pool-byte-size,
    /// 64 MiB per GPU when not given). The pool caches that many bytes of size-classed device buffers for
    /// batches' inputs and outputs; a rent beyond it allocates straight from the device (counted).
    /// </summary>
    public IReadOnlyDictionary<int, long> CudaMemoryPoolByteSize { get; set; } = new Dictionary<int, long>();

    /// <summary>
    /// Whether to use the machine's NVIDIA GPUs (default true). The CUDA driver is looked for at start-up;
    /// without it, or with this false, the server runs on the CPU and says so once in its log.
    /// </summary>
    public bool UseGpus { get; set; } = true;
}
