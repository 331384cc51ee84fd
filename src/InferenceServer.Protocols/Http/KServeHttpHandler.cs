using InferenceServer.Core.Inference;
using InferenceServer.Core.Logging;
using InferenceServer.Protocols.Http.Endpoints;
using InferenceServer.Protocols.Http.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// The KServe v2 / Triton HTTP API (brief §2.1): <see cref="HttpRouter"/> names the endpoint and operation of a path,
/// the <see cref="Authorization.RequestAuthorizer"/> decides it by the one authorization table, and an endpoint group
/// answers. Inference goes through the pipeline (<see cref="InferEndpoint"/>). An unexpected exception before the
/// response started answers 500 with its message and is logged.
/// </summary>
public sealed partial class KServeHttpHandler
{
    private readonly ServerContext _server;
    private readonly ILogger _logger;
    private readonly InferEndpoint _infer;
    private readonly ServerEndpoints _serverEndpoints;
    private readonly ModelEndpoints _models;
    private readonly RepositoryEndpoints _repository;
    private readonly TrafficEndpoints _traffic;
    private readonly LoggingEndpoints _logging;
    private readonly SharedMemoryEndpoints _sharedMemory;
    private readonly TraceEndpoints _tracing;

    public KServeHttpHandler(ServerContext server, ILogger<KServeHttpHandler> logger)
    {
        _server = server;
        _logger = logger;
        _infer = new InferEndpoint(server);
        _serverEndpoints = new ServerEndpoints(server);
        _models = new ModelEndpoints(server);
        _repository = new RepositoryEndpoints(server);
        _traffic = new TrafficEndpoints(server);
        _logging = new LoggingEndpoints(server);
        _sharedMemory = new SharedMemoryEndpoints(server);
        _tracing = new TraceEndpoints(server);
    }

    /// <summary>Request header carrying the sticky-routing key.</summary>
    public const string RoutingKeyHeader = InferEndpoint.RoutingKeyHeader;

    /// <summary>Response header naming the version that answered.</summary>
    public const string ModelVersionHeader = HttpInferCodec.ModelVersionHeader;

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(context.Request.Path, ex);
            context.Response.Clear();
            await HttpResponses.WriteError(context, 500, $"internal error: {ex.Message}").ConfigureAwait(false);
        }
    }

    private Task DispatchAsync(HttpContext context)
    {
        var route = HttpRouter.Match(context.Request.Path.Value ?? "", context.Request.Method);
        if (_server.Authorizer.Checks(route.Operation))
        {
            var denied = _server.Authorizer.Authorize(route.Operation, route.Model.ToString(), context.Request.Headers.Authorization.ToString());
            if (denied.IsError)
            {
                // 401 names the scheme the client must use (RFC 9110 §11.6.1).
                if (denied.Code == InferenceErrorCode.Unauthenticated)
                {
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                }

                return HttpResponses.WriteError(context, denied);
            }
        }

        return route.Endpoint switch
        {
            HttpEndpoint.Infer => _infer.InferAsync(context, route),
            HttpEndpoint.ServerLive => _serverEndpoints.Live(context),
            HttpEndpoint.ServerReady => _serverEndpoints.Ready(context),
            HttpEndpoint.ServerMetadata => _serverEndpoints.Metadata(context),
            HttpEndpoint.ModelMetadata => _models.Metadata(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.ModelReady => _models.Ready(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.ModelConfig => _models.Config(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.ModelStatistics => _models.Statistics(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.AllStatistics => _models.Statistics(context, null, ""),
            HttpEndpoint.ModelDrift => _models.Drift(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.ModelSketches => _models.Sketches(context, route.Model.ToString(), route.Version.ToString()),
            HttpEndpoint.TrafficRead => _traffic.Read(context, route.Model.ToString()),
            HttpEndpoint.TrafficChange => _traffic.ChangeAsync(context, route.Model.ToString()),
            HttpEndpoint.RepositoryIndex => _repository.IndexAsync(context),
            HttpEndpoint.ModelLoad => _repository.LoadAsync(context, route.Model.ToString()),
            HttpEndpoint.ModelUnload => _repository.UnloadAsync(context, route.Model.ToString()),
            HttpEndpoint.LogSettingsRead => _logging.Read(context),
            HttpEndpoint.LogSettingsChange => _logging.ChangeAsync(context),
            HttpEndpoint.SharedMemoryStatus => _sharedMemory.Status(context, route.Model.ToString()),
            HttpEndpoint.SharedMemoryRegister => _sharedMemory.RegisterAsync(context, route.Model.ToString()),
            HttpEndpoint.SharedMemoryUnregister => _sharedMemory.Unregister(context, route.Model.ToString()),
            HttpEndpoint.TraceSettingsRead => _tracing.Read(context, ModelOf(route)),
            HttpEndpoint.TraceSettingsChange => _tracing.ChangeAsync(context, ModelOf(route)),
            HttpEndpoint.MethodNotAllowed => HttpResponses.WriteError(context, 405, "Method Not Allowed"),
            _ => HttpResponses.WriteError(context, 404, "Not Found"),
        };
    }

    private static string? ModelOf(HttpRoute route) => route.Model.IsEmpty ? null : route.Model.ToString();

    [LoggerMessage(EventId = EventIds.HttpUnexpected, Level = LogLevel.Error, Message = "Unexpected error serving {Path}")]
    private partial void LogUnexpected(PathString path, Exception exception);
}
