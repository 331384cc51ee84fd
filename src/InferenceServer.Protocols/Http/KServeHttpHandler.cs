using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Traffic;
using InferenceServer.Protocols.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Http;

/// <summary>
/// The KServe v2 / Triton HTTP API (brief §2.1), routed by hand: the paths are few and fixed, and a
/// span-based match costs nothing per request. Unknown paths get 404 <c>{"error":"Not Found"}</c>,
/// known paths with the wrong method 405, as Triton answers.
/// </summary>
public sealed partial class KServeHttpHandler
{
    private readonly ServerContext _server;
    private readonly ILogger _logger;

    public KServeHttpHandler(ServerContext server, ILogger<KServeHttpHandler> logger)
    {
        _server = server;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnexpected(context.Request.Path, ex);
            context.Response.Clear();
            await HttpResponses.WriteError(context, 500, $"internal error: {ex.Message}").ConfigureAwait(false);
        }
    }

    private Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var method = context.Request.Method;
        if (path == "/v2")
        {
            return _server.InferenceAuthorization.Authorize(context.Request.Headers.Authorization.ToString()) is { IsError: true } denied
                ? WriteDenied(context, denied)
                : Get(context, method, WriteServerMetadata);
        }

        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return NotFound(context);
        }

        var rest = path.AsSpan(4);
        if (_server.InferenceAuthorization.Required && !IsProbe(rest) && !IsControlCall(rest, method))
        {
            var denied = _server.InferenceAuthorization.Authorize(context.Request.Headers.Authorization.ToString());
            if (denied.IsError)
            {
                return WriteDenied(context, denied);
            }
        }

        if (rest.SequenceEqual("health/live"))
        {
            return Get(context, method, c => HttpResponses.WriteEmpty(c, _server.IsLive ? 200 : 400));
        }

        if (rest.SequenceEqual("health/ready"))
        {
            return Get(context, method, c => HttpResponses.WriteEmpty(c, _server.IsReady ? 200 : 400));
        }

        if (rest.StartsWith("models/"))
        {
            return RouteModel(context, method, rest[7..]);
        }

        if (rest.StartsWith("repository/"))
        {
            return RouteRepository(context, method, rest[11..]);
        }

        if (rest.StartsWith("systemsharedmemory") || rest.StartsWith("cudasharedmemory"))
        {
            return HttpResponses.WriteError(context, 501, "shared memory is not supported by this server; send tensor data in the request");
        }

        if (rest.SequenceEqual("logging"))
        {
            return method == HttpMethods.Get ? WriteLogSettings(context)
                : method == HttpMethods.Post ? PostLogSettingsAsync(context)
                : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("trace/setting"))
        {
            return HttpResponses.WriteError(context, 501, $"'{path}' is not supported by this server yet");
        }

        return NotFound(context);
    }

    // models/stats | models/{m}[/versions/{v}][/infer|ready|config|stats]
    private Task RouteModel(HttpContext context, string method, ReadOnlySpan<char> rest)
    {
        if (rest.SequenceEqual("stats"))
        {
            return method == HttpMethods.Get ? WriteStatistics(context, null, "") : MethodNotAllowed(context);
        }

        var slash = rest.IndexOf('/');
        var nameSpan = slash < 0 ? rest : rest[..slash];
        if (nameSpan.IsEmpty)
        {
            return NotFound(context);
        }

        rest = slash < 0 ? [] : rest[(slash + 1)..];
        var version = "";
        if (rest.StartsWith("versions/"))
        {
            rest = rest[9..];
            slash = rest.IndexOf('/');
            var digits = slash < 0 ? rest : rest[..slash];
            if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
            {
                return NotFound(context);
            }

            version = digits.ToString();
            rest = slash < 0 ? [] : rest[(slash + 1)..];
        }

        if (rest.SequenceEqual("infer"))
        {
            if (method != HttpMethods.Post)
            {
                return MethodNotAllowed(context);
            }

            if (_server.Refusing)
            {
                return HttpResponses.WriteError(context, InferenceError.Unavailable(ServerContext.RefusingMessage));
            }

            // The hot path resolves the model from the path without making a string of its name.
            var routingKey = RoutingKey(context);
            return InferAsync(context, _server.Models.TryAcquire(nameSpan, version, routingKey, out var model, out var traffic), model, traffic,
                keyable: version.Length == 0 && routingKey.IsEmpty);
        }

        var name = nameSpan.ToString();
        if (rest.IsEmpty)
        {
            return method == HttpMethods.Get ? WriteModelMetadata(context, name, version) : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("ready"))
        {
            return method == HttpMethods.Get ? WriteModelReady(context, name, version) : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("config"))
        {
            return method == HttpMethods.Get ? WriteModelConfig(context, name, version) : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("stats"))
        {
            return method == HttpMethods.Get ? WriteStatistics(context, name, version) : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("traffic") && version.Length == 0)
        {
            return method == HttpMethods.Get ? WriteTraffic(context, name)
                : method == HttpMethods.Put ? PutTrafficAsync(context, name)
                : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("drift"))
        {
            return method == HttpMethods.Get ? WriteVersionsJson(context, name, version, TelemetryJson.WriteDrift) : MethodNotAllowed(context);
        }

        if (rest.SequenceEqual("sketches"))
        {
            return method == HttpMethods.Get ? WriteVersionsJson(context, name, version, TelemetryJson.WriteLatencySketches) : MethodNotAllowed(context);
        }

        return NotFound(context);
    }

    // repository/index | repository/{repo}/index | repository/models/{m}/load|unload
    private Task RouteRepository(HttpContext context, string method, ReadOnlySpan<char> rest)
    {
        if (rest.SequenceEqual("index") || (rest.EndsWith("/index") && rest[..^6].IndexOf('/') < 0))
        {
            return method == HttpMethods.Post ? WriteRepositoryIndexAsync(context) : MethodNotAllowed(context);
        }

        if (rest.StartsWith("models/") && (rest.EndsWith("/load") || rest.EndsWith("/unload")))
        {
            if (method != HttpMethods.Post)
            {
                return MethodNotAllowed(context);
            }

            var load = rest.EndsWith("/load");
            var model = rest[7..^(load ? 5 : 7)].ToString();
            var denied = _server.ControlAuthorization.Authorize(load ? "load" : "unload", model, context.Request.Headers.Authorization.ToString());
            if (denied.IsError)
            {
                return WriteDenied(context, denied);
            }

            return load ? LoadModelAsync(context, model) : UnloadModelAsync(context, model);
        }

        return NotFound(context);
    }

    // The model arrives held (ModelCatalog.TryAcquire) so a swap cannot dispose it mid-request; released at the end.
    /// <summary>The sticky-routing key of a request (<c>x-routing-key</c> header), or empty.</summary>
    private static ReadOnlySpan<char> RoutingKey(HttpContext context) =>
        context.Request.Headers.TryGetValue(RoutingKeyHeader, out var key) ? key.ToString() : [];

    /// <summary>Request header carrying the sticky-routing key.</summary>
    public const string RoutingKeyHeader = "x-routing-key";

    /// <summary>Response header naming the version that answered.</summary>
    public const string ModelVersionHeader = "x-model-version";

    /// <param name="keyable">The request named no version and no routing key header: a <c>routing_key</c> parameter may route it.</param>
    private async Task InferAsync(HttpContext context, InferenceError error, ModelVersion? model, ModelTraffic? traffic, bool keyable)
    {
        var received = Stopwatch.GetTimestamp();
        if (error.IsError)
        {
            await HttpResponses.WriteError(context, error).ConfigureAwait(false);
            return;
        }

        try
        {
            long headerLength = -1;
            var headerValue = context.Request.Headers[InferResponseWriter.HeaderLengthName];
            if (headerValue.Count > 0 && (!long.TryParse(headerValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out headerLength) || headerLength < 0))
            {
                await HttpResponses.WriteError(context, 400, $"{InferResponseWriter.HeaderLengthName} must be a non-negative integer, got '{headerValue}'").ConfigureAwait(false);
                return;
            }

            var body = await RequestBodyReader.ReadAsync(context.Request, _server.Buffers, _server.Options.MaxHttpBodyBytes, context.RequestAborted).ConfigureAwait(false);
            if (body.Error.IsError)
            {
                await HttpResponses.WriteError(context, body.Error).ConfigureAwait(false);
                return;
            }

            if (keyable && traffic?.Policy.HasCanary == true && body.Buffer is { } buffer)
            {
                // Sticky routing by the body's routing_key parameter: the version must be chosen before parsing.
                var json = buffer.Memory.Span[..(int)(headerLength >= 0 ? Math.Min(headerLength, body.Length) : body.Length)];
                if (RoutingKeyScanner.Find(json) is { } key
                    && !_server.Models.TryAcquire(model!.Name, "", key, out var keyed, out var keyedTraffic).IsError)
                {
                    model.Release();
                    (model, traffic) = (keyed, keyedTraffic);
                }
            }

            var request = _server.Requests.Rent();
            try
            {
                request.ReceivedTimestamp = received;
                request.Own(body.Buffer!);
                error = InferRequestParser.Parse(model!, body.Buffer!.Memory[..body.Length], headerLength, request, _server.Buffers, _server.Options.MaxJsonDepth);
                if (error.IsError)
                {
                    model!.Statistics.RecordFailure(Core.Telemetry.FailureReason.Other, 0);
                    await HttpResponses.WriteError(context, error).ConfigureAwait(false);
                    return;
                }

                await model!.InferAsync(request).ConfigureAwait(false);
                context.Response.Headers[ModelVersionHeader] = model.VersionString;
                if (request.Error.IsError)
                {
                    await HttpResponses.WriteError(context, request.Error).ConfigureAwait(false);
                    traffic?.OnCompleted(model, request, RequestOutcome.ServerError);
                    return;
                }

                await InferResponseWriter.WriteAsync(context, request).ConfigureAwait(false);

                // After the answer went out: the caller does not wait for sketches, shadows or the rollback guard.
                model.Profile?.Observe(request);
                traffic?.OnCompleted(model, request, RequestOutcome.Success);
            }
            finally
            {
                _server.Requests.Return(request);
            }
        }
        finally
        {
            model!.Release();
        }
    }

    private async Task LoadModelAsync(HttpContext context, string name)
    {
        if (await ReadBodyAsync(context, 16 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        global::Inference.ModelConfig? configOverride;
        using (body.Buffer)
        {
            var parsed = RepositoryControlJson.ReadLoadParameters(body.Bytes.Span, name, out configOverride);
            if (parsed.IsError)
            {
                await HttpResponses.WriteError(context, parsed).ConfigureAwait(false);
                return;
            }
        }

        var error = await _server.Lifecycle.LoadAsync(name, configOverride).ConfigureAwait(false);
        await (error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200)).ConfigureAwait(false);
    }

    private async Task UnloadModelAsync(HttpContext context, string name)
    {
        if (await ReadBodyAsync(context, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        using (body.Buffer)
        {
            var parsed = RepositoryControlJson.ReadUnloadParameters(body.Bytes.Span);
            if (parsed.IsError)
            {
                await HttpResponses.WriteError(context, parsed).ConfigureAwait(false);
                return;
            }
        }

        var error = await _server.Lifecycle.UnloadAsync(name).ConfigureAwait(false);
        await (error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200)).ConfigureAwait(false);
    }

    // Server and model readiness stay open with an inference token: probes and load balancers carry none.
    private static bool IsProbe(ReadOnlySpan<char> rest) => rest.StartsWith("health/") || (rest.StartsWith("models/") && rest.EndsWith("/ready"));

    // Calls that answer to the control token instead of the inference token: load, unload, traffic and log changes.
    private static bool IsControlCall(ReadOnlySpan<char> rest, string method) =>
        (rest.StartsWith("repository/models/") && (rest.EndsWith("/load") || rest.EndsWith("/unload")))
        || (method == HttpMethods.Post && rest.SequenceEqual("logging"))
        || (method == HttpMethods.Put && rest.StartsWith("models/") && rest.EndsWith("/traffic"));

    // 401 names the scheme the client must use (RFC 9110 §11.6.1).
    private static Task WriteDenied(HttpContext context, InferenceError denied)
    {
        if (denied.Code == InferenceErrorCode.Unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
        }

        return HttpResponses.WriteError(context, denied);
    }

    // A control or index call's body; null once the reason it could not be read has been answered.
    private async ValueTask<BodyReadResult?> ReadBodyAsync(HttpContext context, long limit)
    {
        var body = await RequestBodyReader.ReadAsync(context.Request, _server.Buffers, limit, context.RequestAborted).ConfigureAwait(false);
        if (body.Error.IsError)
        {
            await HttpResponses.WriteError(context, body.Error).ConfigureAwait(false);
            return null;
        }

        return body;
    }

    private Task WriteTraffic(HttpContext context, string name)
    {
        if (!_server.Models.Table.Models.TryGetValue(name, out var entry))
        {
            return HttpResponses.WriteError(context, InferenceError.NotFound($"Request for unknown model: '{ModelNames.Printable(name)}' is not found"));
        }

        var json = JsonResponseBuffer.Rent();
        TrafficJson.Write(json.Writer, name, entry.Traffic);
        return HttpResponses.WriteJson(context, json);
    }

    // Authorised like load and unload; the body is the policy in traffic.json's format; answers the policy in force.
    private async Task PutTrafficAsync(HttpContext context, string name)
    {
        var denied = _server.ControlAuthorization.Authorize("set the traffic policy of", name, context.Request.Headers.Authorization.ToString());
        if (denied.IsError)
        {
            await WriteDenied(context, denied).ConfigureAwait(false);
            return;
        }

        if (await ReadBodyAsync(context, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        TrafficPolicy? policy;
        string parseError;
        using (body.Buffer)
        {
            if (!TrafficPolicyJson.TryParse(body.Bytes.Span, out policy, out parseError))
            {
                await HttpResponses.WriteError(context, InferenceError.InvalidArgument($"invalid traffic policy for '{name}': {parseError}")).ConfigureAwait(false);
                return;
            }
        }

        var error = await _server.Traffic.SetPolicyAsync(name, policy).ConfigureAwait(false);
        if (error.IsError)
        {
            await HttpResponses.WriteError(context, error).ConfigureAwait(false);
            return;
        }

        await WriteTraffic(context, name).ConfigureAwait(false);
    }

    private Task WriteLogSettings(HttpContext context)
    {
        var json = JsonResponseBuffer.Rent();
        LogSettingsJson.Write(json.Writer, _server.Logging.Current);
        return HttpResponses.WriteJson(context, json);
    }

    // Reading is open; a change needs the control token. Answers the settings in force.
    private async Task PostLogSettingsAsync(HttpContext context)
    {
        var denied = _server.ControlAuthorization.AuthorizeSettings("change the log settings", context.Request.Headers.Authorization.ToString());
        if (denied.IsError)
        {
            await WriteDenied(context, denied).ConfigureAwait(false);
            return;
        }

        if (await ReadBodyAsync(context, 64 << 10).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        string? error;
        using (body.Buffer)
        {
            error = LogSettingsJson.TryRead(body.Bytes.Span, out var changes, out var parseError)
                ? _server.Logging.TryApply(changes)
                : parseError;
        }

        if (error is not null)
        {
            await HttpResponses.WriteError(context, InferenceError.InvalidArgument($"invalid log settings: {error}")).ConfigureAwait(false);
            return;
        }

        await WriteLogSettings(context).ConfigureAwait(false);
    }

    // The named version, or every ready version of the model (a canary and its primary are reported apart).
    private Task WriteVersionsJson(HttpContext context, string name, string version, Action<Utf8JsonWriter, IEnumerable<ModelVersion>> write)
    {
        var error = _server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        write(json.Writer, _server.Models.VersionsOf(name, version, model!));
        return HttpResponses.WriteJson(context, json);
    }

    private Task WriteServerMetadata(HttpContext context)
    {
        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteServerMetadata(json.Writer, _server.Options);
        return HttpResponses.WriteJson(context, json);
    }

    private Task WriteModelMetadata(HttpContext context, string name, string version)
    {
        var error = _server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteModelMetadata(json.Writer, model!, _server.Models.VersionsOf(name, version, model!));
        return HttpResponses.WriteJson(context, json);
    }

    private Task WriteModelReady(HttpContext context, string name, string version)
    {
        var error = _server.Models.TryResolve(name, version, out _);
        return error.Code switch
        {
            InferenceErrorCode.None => HttpResponses.WriteEmpty(context, _server.IsLive ? 200 : 400),
            InferenceErrorCode.Unavailable => HttpResponses.WriteError(context, 400, "Model version not ready"),
            _ => HttpResponses.WriteError(context, error),
        };
    }

    private Task WriteModelConfig(HttpContext context, string name, string version)
    {
        var error = _server.Models.TryResolve(name, version, out var model);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteConfig(json.Writer, model!);
        return HttpResponses.WriteJson(context, json);
    }

    private Task WriteStatistics(HttpContext context, string? name, string version)
    {
        var table = _server.Models.Table;
        IEnumerable<ModelVersion> versions;
        if (name is null)
        {
            versions = table.Models.Values.OrderBy(e => e.Name, StringComparer.Ordinal).SelectMany(e => e.ReadyVersions);
        }
        else
        {
            var error = _server.Models.TryResolve(name, version, out var model);
            if (error.IsError)
            {
                return HttpResponses.WriteError(context, 400, $"requested model '{name}' is not available: {error.Message}");
            }

            versions = _server.Models.VersionsOf(name, version, model!);
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteStatistics(json.Writer, versions);
        return HttpResponses.WriteJson(context, json);
    }

    private async Task WriteRepositoryIndexAsync(HttpContext context)
    {
        if (await ReadBodyAsync(context, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        var readyOnly = false;
        using (body.Buffer)
        {
            if (body.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(body.Bytes);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        await HttpResponses.WriteError(context, 400, "the repository index request body must be a JSON object").ConfigureAwait(false);
                        return;
                    }

                    if (document.RootElement.TryGetProperty("ready", out var ready))
                    {
                        if (ready.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            await HttpResponses.WriteError(context, 400, "'ready' must be a boolean").ConfigureAwait(false);
                            return;
                        }

                        readyOnly = ready.GetBoolean();
                    }
                }
                catch (JsonException ex)
                {
                    await HttpResponses.WriteError(context, 400, $"failed to parse the request JSON: {ex.Message}").ConfigureAwait(false);
                    return;
                }
            }
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteRepositoryIndex(json.Writer, _server.Models.Index(readyOnly));
        await HttpResponses.WriteJson(context, json).ConfigureAwait(false);
    }

    private static Task Get(HttpContext context, string method, Func<HttpContext, Task> handler) =>
        method == HttpMethods.Get ? handler(context) : MethodNotAllowed(context);

    private static Task NotFound(HttpContext context) => HttpResponses.WriteError(context, 404, "Not Found");

    private static Task MethodNotAllowed(HttpContext context) => HttpResponses.WriteError(context, 405, "Method Not Allowed");

    [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Unexpected error serving {Path}")]
    private partial void LogUnexpected(PathString path, Exception exception);
}
