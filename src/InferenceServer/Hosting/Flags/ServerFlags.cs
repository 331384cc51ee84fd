using System.Collections.Frozen;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models.Repository;
using Mode = InferenceServer.Core.Models.Repository.ModelControlMode;

namespace InferenceServer.Hosting.Flags;

/// <summary>
/// Every flag of the server, in the order <c>--help</c> lists them: name, default, accepted values, help line and
/// the option it sets. This table is the one place a default is written; <see cref="ServerOptions"/> starts from
/// it, the parser checks values with it and <c>--help</c> prints it. Each flag can also come from
/// <see cref="FlagDefinition.EnvironmentVariable"/> or <see cref="FlagDefinition.SettingsKey"/> in appsettings.json;
/// the command line wins over the environment, which wins over the file.
/// </summary>
internal static class ServerFlags
{
    /// <summary>The control token itself (instead of <see cref="ControlTokenFile"/>): a Secret mounted as a variable.</summary>
    public const string ControlTokenVariable = FlagDefinition.EnvironmentPrefix + "CONTROL_TOKEN";

    /// <summary>The inference token itself (instead of <see cref="InferenceTokenFile"/>).</summary>
    public const string InferenceTokenVariable = FlagDefinition.EnvironmentPrefix + "INFERENCE_TOKEN";

    private static readonly IntegerValue<int> PortValue = new(0, 65535);
    private static readonly ChoiceValue<Mode> ModeValue = new("a mode", ModelControlModeNames.All, m => m.ToName());

    /// <summary>No default: a server without models is a mistake. <c>--model-store</c> is Triton's older name.</summary>
    public static readonly ValueFlag<string> ModelRepository = new(
        "model-repository", "", TextValue.Instance, "Path of the model repository (Triton layout)",
        o => o.ModelRepository, (o, v) => o.ModelRepository = v)
    { Aliases = ["model-store"], Required = true };

    /// <summary>Every interface, as Triton: in a container the pod's address is not known in advance.</summary>
    public static readonly ValueFlag<string> Address = new(
        "address", "0.0.0.0", TextValue.Instance, "Address the HTTP, gRPC and metrics listeners bind to",
        o => o.Address, (o, v) => o.Address = v);

    /// <summary>Triton's ports (8000, 8001, 8002), so clients and manifests need no change; 0 picks a free port (tests).</summary>
    public static readonly ValueFlag<int> HttpPort = new(
        "http-port", 8000, PortValue, "HTTP/REST port; 0 picks a free port", o => o.HttpPort, (o, v) => o.HttpPort = v);

    /// <inheritdoc cref="HttpPort"/>
    public static readonly ValueFlag<int> GrpcPort = new(
        "grpc-port", 8001, PortValue, "gRPC port; 0 picks a free port", o => o.GrpcPort, (o, v) => o.GrpcPort = v);

    /// <inheritdoc cref="HttpPort"/>
    public static readonly ValueFlag<int> MetricsPort = new(
        "metrics-port", 8002, PortValue, "Prometheus /metrics port; 0 picks a free port", o => o.MetricsPort, (o, v) => o.MetricsPort = v);

    /// <summary>Every listener on by default, as Triton; turning one off is for a pod that serves only one protocol.</summary>
    public static readonly ValueFlag<bool> AllowHttp = new(
        "allow-http", true, BoolValue.Instance, "Serve HTTP/REST", o => o.AllowHttp, (o, v) => o.AllowHttp = v);

    /// <inheritdoc cref="AllowHttp"/>
    public static readonly ValueFlag<bool> AllowGrpc = new(
        "allow-grpc", true, BoolValue.Instance, "Serve gRPC", o => o.AllowGrpc, (o, v) => o.AllowGrpc = v);

    /// <inheritdoc cref="AllowHttp"/>
    public static readonly ValueFlag<bool> AllowMetrics = new(
        "allow-metrics", true, BoolValue.Instance, "Serve /metrics", o => o.AllowMetrics, (o, v) => o.AllowMetrics = v);

    /// <summary>Off: the KServe API answers 404 for <c>/metrics</c>; on for platforms that scrape one port per pod.</summary>
    public static readonly ValueFlag<bool> AllowMetricsOnHttpPort = new(
        "allow-metrics-on-http-port", false, BoolValue.Instance, "Also serve /metrics on the HTTP port (one port per pod)",
        o => o.AllowMetricsOnHttpPort, (o, v) => o.AllowMetricsOnHttpPort = v);

    /// <summary>On: drift and tail latency are what the sketches are for; off is the baseline their cost is measured against.</summary>
    public static readonly ValueFlag<bool> TelemetrySketches = new(
        "telemetry-sketches", true, BoolValue.Instance, "Keep latency sketches and input/output distribution sketches with drift scores per model version",
        o => o.TelemetrySketches, (o, v) => o.TelemetrySketches = v);

    /// <summary>Triton's default (true): a server missing a model should not take traffic.</summary>
    public static readonly ValueFlag<bool> StrictReadiness = new(
        "strict-readiness", true, BoolValue.Instance, "Ready only when every model version is ready",
        o => o.StrictReadiness, (o, v) => o.StrictReadiness = v);

    /// <summary>Triton's default (true): a rollout with a broken model fails fast instead of serving part of it.</summary>
    public static readonly ValueFlag<bool> ExitOnError = new(
        "exit-on-error", true, BoolValue.Instance, "Exit when a model fails to load at start-up",
        o => o.ExitOnError, (o, v) => o.ExitOnError = v);

    /// <summary>Triton's 30 s; match Kubernetes' terminationGracePeriodSeconds (minus any preStop sleep).</summary>
    public static readonly ValueFlag<TimeSpan> ExitTimeout = new(
        "exit-timeout-secs", TimeSpan.FromSeconds(30), SecondsValue.Whole, "On SIGTERM: seconds to finish the requests already accepted before exiting",
        o => o.ExitTimeout, (o, v) => o.ExitTimeout = v);

    /// <summary>5 s: long enough for load balancers to see readiness turn false; 0 behind a preStop sleep doing the same.</summary>
    public static readonly ValueFlag<TimeSpan> ShutdownGrace = new(
        "shutdown-grace-secs", TimeSpan.FromSeconds(5), SecondsValue.ZeroOrPositive,
        "On SIGTERM: seconds to keep serving after readiness turns false, before refusing new inference requests (within --exit-timeout-secs); fractions allowed",
        o => o.ShutdownGrace, (o, v) => o.ShutdownGrace = v);

    /// <summary>0, as Triton: debug and trace lines are for a person looking at one problem.</summary>
    public static readonly ValueFlag<int> LogVerbose = new(
        "log-verbose", 0, new IntegerValue<int>(0, int.MaxValue), "Verbose logging level (0 = off, 1 = debug, 2 = trace); changeable at run time through /v2/logging",
        o => o.LogVerbose, (o, v) => o.LogVerbose = v);

    /// <summary>Information, warnings and errors on, as Triton.</summary>
    public static readonly ValueFlag<bool> LogInfo = new(
        "log-info", true, BoolValue.Instance, "Write information lines", o => o.LogInfo, (o, v) => o.LogInfo = v);

    /// <inheritdoc cref="LogInfo"/>
    public static readonly ValueFlag<bool> LogWarning = new(
        "log-warning", true, BoolValue.Instance, "Write warnings", o => o.LogWarning, (o, v) => o.LogWarning = v);

    /// <inheritdoc cref="LogInfo"/>
    public static readonly ValueFlag<bool> LogError = new(
        "log-error", true, BoolValue.Instance, "Write errors", o => o.LogError, (o, v) => o.LogError = v);

    /// <summary>Triton's 64 MiB: room for large tensors in JSON while bounding what one request can make the server hold.</summary>
    public static readonly ValueFlag<long> HttpMaxInputSize = new(
        "http-max-input-size", 64L << 20, new IntegerValue<long>(1, long.MaxValue), "Largest HTTP request body in bytes",
        o => o.HttpMaxInputSize, (o, v) => o.HttpMaxInputSize = v);

    /// <summary>Triton's 2^31-1 (gRPC's own limit): binary tensors are bounded by the models' shapes instead.</summary>
    public static readonly ValueFlag<int> GrpcMaxMessageSize = new(
        "grpc-max-message-size", int.MaxValue, new IntegerValue<int>(1, int.MaxValue), "Largest gRPC message in bytes, both directions",
        o => o.GrpcMaxMessageSize, (o, v) => o.GrpcMaxMessageSize = v);

    /// <summary>Kestrel's 32 KiB; at least 1 KiB, below which ordinary clients' headers do not fit.</summary>
    public static readonly ValueFlag<int> HttpMaxHeaderSize = new(
        "http-max-header-size", 32 << 10, new IntegerValue<int>(1024, int.MaxValue), "Largest total size of an HTTP request's headers in bytes (431 above it)",
        o => o.HttpMaxHeaderSize, (o, v) => o.HttpMaxHeaderSize = v);

    /// <summary>TLS is off unless a certificate is given (as Triton); a mesh usually terminates it instead.</summary>
    public static readonly ValueFlag<string> HttpServerCert = new(
        "http-server-cert", "", TextValue.Instance, "PEM certificate (chain) for HTTPS on the HTTP port; with --http-server-key",
        o => o.HttpTls.CertificateFile, (o, v) => o.HttpTls.CertificateFile = v);

    /// <inheritdoc cref="HttpServerCert"/>
    public static readonly ValueFlag<string> HttpServerKey = new(
        "http-server-key", "", TextValue.Instance, "PEM private key of --http-server-cert",
        o => o.HttpTls.KeyFile, (o, v) => o.HttpTls.KeyFile = v);

    /// <summary>Mutual TLS is off unless asked for; then client certificates must chain to this CA.</summary>
    public static readonly ValueFlag<string> HttpRootCert = new(
        "http-root-cert", "", TextValue.Instance, "PEM CA certificate(s) client certificates must chain to (with --http-use-ssl-mutual)",
        o => o.HttpTls.RootCertificateFile, (o, v) => o.HttpTls.RootCertificateFile = v);

    /// <inheritdoc cref="HttpRootCert"/>
    public static readonly ValueFlag<bool> HttpUseSslMutual = new(
        "http-use-ssl-mutual", false, BoolValue.Instance, "HTTP: require a client certificate signed by --http-root-cert",
        o => o.HttpTls.RequireClientCertificate, (o, v) => o.HttpTls.RequireClientCertificate = v);

    /// <summary>Accepted for Triton's command lines; the certificate flags alone turn TLS on.</summary>
    public static readonly ValueFlag<bool> GrpcUseSsl = new(
        "grpc-use-ssl", false, BoolValue.Instance, "gRPC over TLS (needs --grpc-server-cert and --grpc-server-key; setting those is enough)",
        o => o.GrpcUseSsl, (o, v) => o.GrpcUseSsl = v);

    /// <inheritdoc cref="HttpServerCert"/>
    public static readonly ValueFlag<string> GrpcServerCert = new(
        "grpc-server-cert", "", TextValue.Instance, "PEM certificate (chain) for TLS on the gRPC port; with --grpc-server-key",
        o => o.GrpcTls.CertificateFile, (o, v) => o.GrpcTls.CertificateFile = v);

    /// <inheritdoc cref="HttpServerCert"/>
    public static readonly ValueFlag<string> GrpcServerKey = new(
        "grpc-server-key", "", TextValue.Instance, "PEM private key of --grpc-server-cert",
        o => o.GrpcTls.KeyFile, (o, v) => o.GrpcTls.KeyFile = v);

    /// <inheritdoc cref="HttpRootCert"/>
    public static readonly ValueFlag<string> GrpcRootCert = new(
        "grpc-root-cert", "", TextValue.Instance, "PEM CA certificate(s) client certificates must chain to (with --grpc-use-ssl-mutual)",
        o => o.GrpcTls.RootCertificateFile, (o, v) => o.GrpcTls.RootCertificateFile = v);

    /// <inheritdoc cref="HttpRootCert"/>
    public static readonly ValueFlag<bool> GrpcUseSslMutual = new(
        "grpc-use-ssl-mutual", false, BoolValue.Instance, "gRPC: require a client certificate signed by --grpc-root-cert",
        o => o.GrpcTls.RequireClientCertificate, (o, v) => o.GrpcTls.RequireClientCertificate = v);

    /// <summary>none, as Triton: what starts is what is served, the safest choice without a control token.</summary>
    public static readonly ValueFlag<Mode> ModelControlMode = new(
        "model-control-mode", Mode.None, ModeValue,
        "Model control mode: none (load everything at start-up), poll (also apply repository changes every --repository-poll-secs) or explicit (load/unload through the repository API)",
        o => o.ModelControlMode, (o, v) => o.ModelControlMode = v);

    /// <summary>Triton's 15 s: a change shows within 15–30 s (two scans must agree) at the cost of one scan per interval.</summary>
    public static readonly ValueFlag<TimeSpan> RepositoryPollInterval = new(
        "repository-poll-secs", TimeSpan.FromSeconds(15), SecondsValue.Positive,
        "Poll mode: seconds between repository scans (a change applies once two scans agree); fractions allowed",
        o => o.RepositoryPollInterval, (o, v) => o.RepositoryPollInterval = v);

    /// <summary>None: two agreeing scans suffice for local disks; a marker is for slow copies and coarse timestamps.</summary>
    public static readonly ValueFlag<string> RepositoryPollMarker = new(
        "repository-poll-marker", "", FileNameValue.Instance,
        "Poll mode: a version folder counts only once it holds a file of this name (write it last); empty = no marker",
        o => o.RepositoryPollMarker, (o, v) => o.RepositoryPollMarker = v);

    /// <summary>0, as Triton: a failed load is reported at once; a repository filled by slow copies may want a retry or two.</summary>
    public static readonly ValueFlag<int> ModelLoadRetryCount = new(
        "model-load-retry-count", 0, new IntegerValue<int>(0, 10_000), "Times a model version that failed to load is tried again at once before it is reported UNAVAILABLE",
        o => o.ModelLoadRetryCount, (o, v) => o.ModelLoadRetryCount = v);

    /// <summary>None, and then control calls are refused: a load names files the server will open and run.</summary>
    public static readonly ValueFlag<string> ControlTokenFile = new(
        "control-token-file", "", TextValue.Instance,
        $"File holding the bearer token control calls must carry (or set {ControlTokenVariable}); without one, control calls are refused",
        o => o.ControlTokenFile, (o, v) => o.ControlTokenFile = v);

    /// <summary>None: inference is open, as in Triton; the token is for servers reachable beyond their callers.</summary>
    public static readonly ValueFlag<string> InferenceTokenFile = new(
        "inference-token-file", "", TextValue.Instance,
        $"File holding a bearer token inference and metadata calls must carry (or set {InferenceTokenVariable}); health and metrics stay open",
        o => o.InferenceTokenFile, (o, v) => o.InferenceTokenFile = v);

    /// <summary>None: explicit mode starts empty unless told otherwise, as Triton.</summary>
    public static readonly RepeatedFlag<string> LoadModel = new(
        "load-model", "(none)", TextValue.Instance, "Explicit mode: a model to load at start-up; * loads all",
        o => o.LoadModels.Count == 0, (o, v) => o.LoadModels = [.. o.LoadModels, v]);

    /// <summary>Triton's 256 MiB: a few batches of large inputs stay pooled without holding much of the host's memory.</summary>
    public static readonly ValueFlag<long> PinnedMemoryPoolByteSize = new(
        "pinned-memory-pool-byte-size", PinnedBufferPool.DefaultByteBudget, new IntegerValue<long>(0, long.MaxValue),
        "Byte budget of the pinned tensor pool; rents beyond it fall back to plain allocations (counted)",
        o => o.PinnedMemoryPoolByteSize, (o, v) => o.PinnedMemoryPoolByteSize = v);

    /// <summary>Off: it captures a stack per rent and return, for tests and leak hunting.</summary>
    public static readonly ValueFlag<bool> PinnedMemoryPoolDebug = new(
        "pinned-memory-pool-debug", false, BoolValue.Instance, "Record where each pinned buffer is rented (leak reports) and throw on a double return; slower",
        o => o.PinnedMemoryPoolDebug, (o, v) => o.PinnedMemoryPoolDebug = v);

    /// <summary>Triton's 64 MiB per GPU for a GPU not named (<see cref="DeviceMemoryPool.DefaultByteBudget"/>).</summary>
    public static readonly RepeatedFlag<KeyValuePair<int, long>> CudaMemoryPoolByteSize = new(
        "cuda-memory-pool-byte-size", $"<gpu>:{DeviceMemoryPool.DefaultByteBudget}", GpuByteBudgetValue.Instance,
        "Byte budget of that GPU's device-memory pool, one flag per GPU; rents beyond it allocate from the device (counted)",
        o => o.CudaMemoryPoolByteSize.Count == 0,
        (o, v) => o.CudaMemoryPoolByteSize = new Dictionary<int, long>(o.CudaMemoryPoolByteSize) { [v.Key] = v.Value });

    /// <summary>None: the CUDA and cuDNN libraries come from where the system's loader looks, as in a CUDA image.</summary>
    public static readonly ValueFlag<string> CudaLibraryPath = new(
        "cuda-library-path", "", TextValue.Instance,
        "Folders, separated by ':', holding the CUDA 13 and cuDNN 9 libraries ONNX Runtime's CUDA provider needs; searched before LD_LIBRARY_PATH and the system's folders",
        o => o.CudaLibraryPath, (o, v) => o.CudaLibraryPath = v);

    /// <summary>On: the GPUs are used when the CUDA driver is found; off to keep a GPU machine's models on the CPU.</summary>
    public static readonly ValueFlag<bool> Gpus = new(
        "gpus", true, BoolValue.Instance,
        "Use the machine's NVIDIA GPUs when the CUDA driver is found; false runs everything on the CPU (KIND_GPU models then fail to load, or fall back per gpu_fallback_to_cpu)",
        o => o.UseGpus, (o, v) => o.UseGpus = v);

    /// <summary>This server's own name; "triton" for tools that check the name, as a drop-in for Triton.</summary>
    public static readonly ValueFlag<string> ServerName = new(
        "server-name", "inference-server", TextValue.Instance, "The name server metadata reports (\"triton\" for tools that check it)",
        o => o.ServerName, (o, v) => o.ServerName = v);

    /// <summary>Off, as Triton since 2026: a client that registers a region makes the server map memory it names.</summary>
    public static readonly ValueFlag<bool> AllowClientShm = new(
        "allow-client-shm", false, BoolValue.Instance,
        "Let clients register shared-memory regions (POSIX objects under /dev/shm) for inputs and outputs; the control token guards registration when one is configured",
        o => o.AllowClientSharedMemory, (o, v) => o.AllowClientSharedMemory = v);

    /// <summary>Off, as Triton: a trace is for a person looking at where one request's time went.</summary>
    public static readonly RepeatedFlag<string> TraceConfig = new(
        "trace-config", "level=OFF,rate=1000,count=-1,mode=triton", TraceConfigValue.Instance,
        "Request tracing, as tritonserver: level=OFF|TIMESTAMPS|TENSORS, rate=N, count=N, mode=triton|opentelemetry; triton,file=PATH, triton,log-frequency=N; opentelemetry,url=URL, opentelemetry,protocol=http/protobuf|grpc, opentelemetry,resource=KEY=VALUE, opentelemetry,bsp_max_queue_size|bsp_schedule_delay|bsp_max_export_batch_size=N",
        o => o.TraceConfig.Count == 0, (o, v) => o.TraceConfig = [.. o.TraceConfig, v]);

    /// <summary>None, as Triton: a model's <c>response_cache</c> takes effect only once the operator gives the cache memory (or a Redis).</summary>
    public static readonly RepeatedFlag<string> CacheConfig = new(
        "cache-config", "(none)", CacheConfigValue.Instance,
        "Response cache, as tritonserver: local,size=BYTES (in-process LRU), or redis,host=H, redis,port=N, redis,user=U, redis,password=P, redis,db=N, redis,ttl=SECONDS (3600), redis,wait_timeout_ms=N (20), redis,connect_timeout_ms=N (100); serves models with response_cache { enable: true }",
        o => o.CacheConfig.Count == 0, (o, v) => o.CacheConfig = [.. o.CacheConfig, v]);

    /// <summary>None: only the operator's --trace-config triton,file=… names a trace file; the trace API cannot.</summary>
    public static readonly ValueFlag<string> TraceDirectory = new(
        "trace-directory", "", TextValue.Instance,
        "Directory in which the trace API may name a trace file (a file name, never a path); empty = the API cannot change the file",
        o => o.TraceDirectory, (o, v) => o.TraceDirectory = v);

    /// <summary>None: capture copies live inputs to disk, which only the operator may decide (docs/request-capture.md).</summary>
    public static readonly ValueFlag<string> CaptureModel = new(
        "capture-model", "", TextValue.Instance, "Record a sample of this model's requests (inputs only) to --capture-file, for inference-load --replay",
        o => o.CaptureModel, (o, v) => o.CaptureModel = v);

    /// <inheritdoc cref="CaptureModel"/>
    public static readonly ValueFlag<string> CaptureFile = new(
        "capture-file", "", TextValue.Instance, "The capture file (JSON Lines, replaced at start-up); required with --capture-model",
        o => o.CaptureFile, (o, v) => o.CaptureFile = v);

    /// <summary>64 MiB: minutes of a small model's traffic, never a full disk.</summary>
    public static readonly ValueFlag<long> CaptureBytes = new(
        "capture-bytes", Core.Capture.RequestCaptureSettings.DefaultByteBudget, new IntegerValue<long>(1024, long.MaxValue),
        "Byte budget of the capture file; capture stops at the first request that would exceed it",
        o => o.CaptureBytes, (o, v) => o.CaptureBytes = v);

    /// <summary>Every request: a capture is usually short; lower it for a busy model.</summary>
    public static readonly ValueFlag<double> CaptureSampleRate = new(
        "capture-sample-rate", 1.0, FractionValue.Instance, "Fraction of the model's requests captured, in (0, 1]",
        o => o.CaptureSampleRate, (o, v) => o.CaptureSampleRate = v);

    /// <summary>None: a capture holds every input unless told otherwise.</summary>
    public static readonly RepeatedFlag<string> CaptureDropInput = new(
        "capture-drop-input", "(none)", TextValue.Instance, "An input left out of the capture (repeatable)",
        o => o.CaptureDropInputs.Count == 0, (o, v) => o.CaptureDropInputs = [.. o.CaptureDropInputs, v]);

    /// <inheritdoc cref="CaptureDropInput"/>
    public static readonly RepeatedFlag<string> CaptureHashInput = new(
        "capture-hash-input", "(none)", TextValue.Instance, "An input captured as the SHA-256 of its bytes and its size, not the bytes (repeatable; a replay sends zeros)",
        o => o.CaptureHashInputs.Count == 0, (o, v) => o.CaptureHashInputs = [.. o.CaptureHashInputs, v]);

    /// <summary>Every flag, in the order <c>--help</c> lists them (after the fields above: static fields initialise in order).</summary>
    public static readonly IReadOnlyList<FlagDefinition> All =
    [
        ModelRepository, Address, HttpPort, GrpcPort, MetricsPort, AllowHttp, AllowGrpc, AllowMetrics, AllowMetricsOnHttpPort,
        TelemetrySketches, StrictReadiness, ExitOnError, ExitTimeout, ShutdownGrace, LogVerbose, LogInfo, LogWarning, LogError,
        HttpMaxInputSize, GrpcMaxMessageSize, HttpMaxHeaderSize, HttpServerCert, HttpServerKey, HttpRootCert, HttpUseSslMutual,
        GrpcUseSsl, GrpcServerCert, GrpcServerKey, GrpcRootCert, GrpcUseSslMutual, ModelControlMode, RepositoryPollInterval,
        RepositoryPollMarker, ModelLoadRetryCount, ControlTokenFile, InferenceTokenFile, LoadModel, PinnedMemoryPoolByteSize, PinnedMemoryPoolDebug,
        CudaMemoryPoolByteSize, CudaLibraryPath, Gpus, ServerName, AllowClientShm, TraceConfig, TraceDirectory, CacheConfig,
        CaptureModel, CaptureFile, CaptureBytes, CaptureSampleRate, CaptureDropInput, CaptureHashInput,
    ];

    private static readonly FrozenDictionary<string, FlagDefinition> ByName =
        All.SelectMany(f => f.Aliases.Prepend(f.Name).Select(n => KeyValuePair.Create(n, f))).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The flag called <paramref name="name"/> (without dashes in front) or by one of its aliases; null when none.</summary>
    public static FlagDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>Whether the server reads <paramref name="name"/>: a flag's variable or one of the tokens.</summary>
    public static bool IsEnvironmentVariable(string name) =>
        name is ControlTokenVariable or InferenceTokenVariable || All.Any(f => f.EnvironmentVariable == name);
}
