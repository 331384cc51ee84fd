using InferenceServer.Client.Models;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client;

/// <summary>
/// A client of a KServe v2 / Triton inference server: the same calls over HTTP (<see cref="Http.HttpInferenceClient"/>)
/// and gRPC (<see cref="Grpc.GrpcInferenceClient"/>). Every call takes a cancellation token and obeys
/// <see cref="InferenceClientOptions.Timeout"/>; a call the server refuses throws
/// <see cref="Errors.InferenceServerException"/> carrying the server's message and status. Thread-safe: one client
/// serves any number of concurrent calls.
/// </summary>
public abstract class InferenceClient : IDisposable
{
    private readonly ShapeValidator? _shapes;

    private protected InferenceClient(InferenceClientOptions? options)
    {
        Options = options ?? new InferenceClientOptions();
        Options.Validate();
        _shapes = Options.ValidateShapes ? new ShapeValidator(this) : null;
    }

    /// <summary>The protocol this client speaks: <c>http</c> or <c>grpc</c>.</summary>
    public abstract string Protocol { get; }

    private protected InferenceClientOptions Options { get; }

    /// <summary>Whether the server is live (<c>GET /v2/health/live</c>, <c>ServerLive</c>).</summary>
    public abstract Task<bool> IsServerLiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether the server is ready for inference (<c>GET /v2/health/ready</c>, <c>ServerReady</c>).</summary>
    public abstract Task<bool> IsServerReadyAsync(CancellationToken cancellationToken = default);

    /// <summary>The server's name, version and extensions.</summary>
    public abstract Task<ServerMetadata> GetServerMetadataAsync(CancellationToken cancellationToken = default);

    /// <summary>Whether <paramref name="model"/> (at <paramref name="version"/>, or any version when "") is ready.</summary>
    public abstract Task<bool> IsModelReadyAsync(string model, string version = "", CancellationToken cancellationToken = default);

    /// <summary>A model's metadata: versions, platform, inputs and outputs.</summary>
    public abstract Task<ModelMetadata> GetModelMetadataAsync(string model, string version = "", CancellationToken cancellationToken = default);

    /// <summary>A model's configuration.</summary>
    public abstract Task<ModelConfiguration> GetModelConfigAsync(string model, string version = "", CancellationToken cancellationToken = default);

    /// <summary>Statistics of every version of <paramref name="model"/> (of every model when ""), or of one version.</summary>
    public abstract Task<IReadOnlyList<ModelStatistics>> GetModelStatisticsAsync(string model = "", string version = "", CancellationToken cancellationToken = default);

    /// <summary>The repository's models and their states; only the ready ones when <paramref name="readyOnly"/>.</summary>
    public abstract Task<IReadOnlyList<RepositoryModel>> GetRepositoryIndexAsync(bool readyOnly = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Loads (or reloads) <paramref name="model"/>, optionally with a configuration given as JSON that replaces its
    /// config.pbtxt. A control call: sends <see cref="InferenceClientOptions.ControlToken"/>, and the server must run
    /// with <c>--model-control-mode=explicit</c>.
    /// </summary>
    public abstract Task LoadModelAsync(string model, string? configJson = null, CancellationToken cancellationToken = default);

    /// <summary>Unloads <paramref name="model"/> (and the models that depend on it when <paramref name="unloadDependents"/>). A control call.</summary>
    public abstract Task UnloadModelAsync(string model, bool unloadDependents = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// The traffic policy in force for <paramref name="model"/>, as JSON in traffic.json's format
    /// (<c>GET /v2/models/{m}/traffic</c>). HTTP only: gRPC has no traffic RPC.
    /// </summary>
    /// <exception cref="NotSupportedException">Over gRPC.</exception>
    public virtual Task<string> GetTrafficPolicyAsync(string model, CancellationToken cancellationToken = default) =>
        throw HttpOnly("the traffic policy (GET /v2/models/{m}/traffic)");

    /// <summary>
    /// Replaces <paramref name="model"/>'s traffic policy with <paramref name="policyJson"/> (traffic.json's format) and
    /// returns the policy then in force (<c>PUT /v2/models/{m}/traffic</c>). A control call. HTTP only.
    /// </summary>
    /// <exception cref="NotSupportedException">Over gRPC.</exception>
    public virtual Task<string> SetTrafficPolicyAsync(string model, string policyJson, CancellationToken cancellationToken = default) =>
        throw HttpOnly("changing the traffic policy (PUT /v2/models/{m}/traffic)");

    /// <summary>The model's input drift report as JSON (<c>GET /v2/models/{m}/drift</c>). HTTP only: gRPC has no drift RPC.</summary>
    /// <exception cref="NotSupportedException">Over gRPC.</exception>
    public virtual Task<string> GetModelDriftAsync(string model, CancellationToken cancellationToken = default) =>
        throw HttpOnly("the drift report (GET /v2/models/{m}/drift)");

    /// <summary>
    /// Runs <paramref name="request"/> and returns its outputs over a pooled buffer: dispose the result. With
    /// <see cref="InferenceClientOptions.ValidateShapes"/> the inputs are first checked against the model's metadata.
    /// </summary>
    public Task<InferResult> InferAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfDisposed();
        return _shapes is null ? InferCoreAsync(request, cancellationToken) : ValidateThenInferAsync(request, cancellationToken);
    }

    /// <summary>Closes what the client created itself (never an <see cref="HttpClient"/> or channel the caller passed in).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the client owns.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    private protected abstract Task<InferResult> InferCoreAsync(InferRequest request, CancellationToken cancellationToken);

    private async Task<InferResult> ValidateThenInferAsync(InferRequest request, CancellationToken cancellationToken)
    {
        await _shapes!.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
        return await InferCoreAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private NotSupportedException HttpOnly(string what) =>
        new($"{what} is an HTTP endpoint of this server; the {Protocol} protocol has no such call. Use an HttpInferenceClient for it.");
}
