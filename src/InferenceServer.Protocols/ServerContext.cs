using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;

using InferenceServer.Protocols.Logging;

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
        "statistics",
        "parameters",
        "logging",
    ];

    public ServerContext(LoadedModels models, PinnedBufferPool buffers, ServerContextOptions options, LogSettings? logging = null)
    {
        Models = models.Catalog;
        Lifecycle = models.Lifecycle;
        Traffic = models.Traffic;
        Buffers = buffers;
        Options = options;
        ControlAuthorization = new RepositoryControlAuthorization(options);
        InferenceAuthorization = new InferenceAuthorization(options.InferenceToken);
        Logging = logging ?? new LogSettings(info: true, warning: true, error: true, verboseLevel: 0);
    }

    /// <summary>What the server logs; read and changed through the logging extension.</summary>
    public LogSettings Logging { get; }

    /// <summary>What requests resolve against: the published models, read lock-free.</summary>
    public ModelCatalog Models { get; }

    /// <summary>Loads and unloads (the repository extension).</summary>
    public ModelLifecycle Lifecycle { get; }

    /// <summary>Traffic policies (the traffic API).</summary>
    public TrafficControl Traffic { get; }

    public PinnedBufferPool Buffers { get; }

    public InferenceRequestPool Requests { get; } = new();

    public ServerContextOptions Options { get; }

    /// <summary>Decides every repository load and unload, from either front end.</summary>
    public RepositoryControlAuthorization ControlAuthorization { get; }

    /// <summary>The optional token on inference and metadata calls.</summary>
    public InferenceAuthorization InferenceAuthorization { get; }

    /// <summary>Set once the repository has been loaded at start-up.</summary>
    public bool Started { get; set; }

    /// <summary>What a request refused during shutdown is told (503 / UNAVAILABLE).</summary>
    public const string RefusingMessage = "the server is shutting down: it takes no new inference requests; send to another replica";

    /// <summary>Set when shutdown begins: live stays true, ready turns false.</summary>
    public bool Stopping { get; set; }

    /// <summary>
    /// Set once shutdown's grace period is over: new inference requests get 503 / UNAVAILABLE while those already
    /// accepted finish. The grace period lets load balancers see readiness turn false before anything is refused.
    /// </summary>
    public bool Refusing { get; set; }

    public bool IsLive => Started;

    /// <summary>Ready: started, not stopping and, under strict readiness, every model version ready.</summary>
    public bool IsReady => Started && !Stopping && (!Options.StrictReadiness || Models.Table.AllReady);
}
