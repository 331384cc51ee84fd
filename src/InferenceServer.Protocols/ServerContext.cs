using InferenceServer.Core.Caching;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.SharedMemory;
using InferenceServer.Core.Tracing;
using InferenceServer.Protocols.Authorization;
using InferenceServer.Protocols.Logging;
using Microsoft.Extensions.Logging;

using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Protocols;

/// <summary>What both front ends share: the models, the pools, the server's identity and its readiness rules.</summary>
public sealed class ServerContext
{
    /// <summary>Extensions this server implements (advertise only those: clients act on the list).</summary>
    public static readonly IReadOnlyList<string> Extensions =
    [
        "binary_tensor_data",
        "model_configuration",
        "model_repository",
        "model_repository(unload_dependents)",
        "statistics",
        "parameters",
        "logging",
        "classification",
        "system_shared_memory",
        "trace",
        "sequence",
    ];

    /// <param name="hooks">Steps run after every answered request (<see cref="IAnsweredRequestHook"/>).</param>
    /// <param name="tracing">Request tracing (the trace extension); off when not given.</param>
    /// <param name="responseCache">The response cache (<c>--cache-config</c>); none when not given.</param>
    public ServerContext(LoadedModels models, PinnedBufferPool buffers, ServerContextOptions options, LogSettings? logging = null,
        IEnumerable<IAnsweredRequestHook>? hooks = null, ILoggerFactory? loggers = null, RequestTracer? tracing = null,
        IResponseCache? responseCache = null)
    {
        Models = models.Catalog;
        Lifecycle = models.Lifecycle;
        Traffic = models.Traffic;
        Buffers = buffers;
        Options = options;
        Authorizer = new RequestAuthorizer(options);
        SharedMemory = new SharedMemoryRegistry(options.AllowClientSharedMemory, hasGpu: options.Gpus.Count > 0);
        Logging = logging ?? new LogSettings(info: true, warning: true, error: true, verboseLevel: 0);
        Loggers = loggers ?? NullLoggerFactory.Instance;
        Tracing = tracing ?? RequestTracer.Off();
        Pipeline = new InferencePipeline(models.Catalog, Requests, buffers, Admission, hooks, Loggers.CreateLogger<InferencePipeline>(), Tracing, responseCache);
    }

    /// <summary>Where the front ends get their loggers (none when the context was made without a factory).</summary>
    public ILoggerFactory Loggers { get; }

    /// <summary>The one request lifecycle both front ends run inference through.</summary>
    public InferencePipeline Pipeline { get; }

    /// <summary>Whether the server takes requests (start-up, shutdown's stages).</summary>
    public ServerAdmission Admission { get; } = new();

    /// <summary>What the server logs; read and changed through the logging extension.</summary>
    public LogSettings Logging { get; }

    /// <summary>Request tracing: its settings are read and changed through the trace extension.</summary>
    public RequestTracer Tracing { get; }

    /// <summary>What requests resolve against: the published models, read lock-free.</summary>
    public ModelCatalog Models { get; }

    /// <summary>Loads and unloads (the repository extension).</summary>
    public ModelLifecycle Lifecycle { get; }

    /// <summary>Traffic policies (the traffic API).</summary>
    public TrafficControl Traffic { get; }

    public PinnedBufferPool Buffers { get; }

    /// <summary>Shared-memory regions clients registered (the host disposes it at shutdown).</summary>
    public SharedMemoryRegistry SharedMemory { get; }

    public InferenceRequestPool Requests { get; } = new();

    public ServerContextOptions Options { get; }

    /// <summary>Decides every call of either front end by <see cref="AuthorizationTable"/>.</summary>
    public RequestAuthorizer Authorizer { get; }

    /// <summary>Set once the repository has been loaded at start-up.</summary>
    public bool Started { get => Admission.Started; set => Admission.Started = value; }

    /// <summary>Set when shutdown begins: live stays true, ready turns false.</summary>
    public bool Stopping { get => Admission.Stopping; set => Admission.Stopping = value; }

    /// <summary>Set once shutdown's grace period is over (<see cref="ServerAdmission.Refusing"/>).</summary>
    public bool Refusing { get => Admission.Refusing; set => Admission.Refusing = value; }

    public bool IsLive => Started;

    /// <summary>Ready: started, not stopping and, under strict readiness, every model version ready.</summary>
    public bool IsReady => Started && !Stopping && (!Options.StrictReadiness || Models.Table.AllReady);
}
