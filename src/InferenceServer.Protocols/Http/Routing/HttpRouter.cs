using InferenceServer.Protocols.Authorization;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Routing;

/// <summary>
/// Matches the KServe v2 / Triton HTTP paths (brief §2.1) by hand: they are few and fixed, and a span-based match costs
/// nothing per request. Unknown paths are <see cref="HttpEndpoint.NotFound"/>, known paths with the wrong method
/// <see cref="HttpEndpoint.MethodNotAllowed"/>, as Triton answers.
/// <code>
/// /v2 | /v2/health/live|ready | /v2/models/stats | /v2/models/{m}[/versions/{v}][/infer|ready|config|stats|drift|sketches]
/// /v2/models/{m}/traffic | /v2/models/{m}/trace/setting | /v2/repository[/{repo}]/index | /v2/repository/models/{m}/load|unload | /v2/logging
/// /v2/systemsharedmemory… | /v2/cudasharedmemory… | /v2/trace/setting
/// </code>
/// </summary>
internal static class HttpRouter
{
    public static HttpRoute Match(string path, string method)
    {
        if (path == "/v2")
        {
            return Get(method, HttpEndpoint.ServerMetadata, ServerOperation.ServerMetadata);
        }

        if (!path.StartsWith("/v2/", StringComparison.Ordinal))
        {
            return HttpRoute.NotFound;
        }

        var rest = path.AsSpan(4);
        if (rest.SequenceEqual("health/live"))
        {
            return Get(method, HttpEndpoint.ServerLive, ServerOperation.ServerLive);
        }

        if (rest.SequenceEqual("health/ready"))
        {
            return Get(method, HttpEndpoint.ServerReady, ServerOperation.ServerReady);
        }

        if (rest.StartsWith("models/"))
        {
            return MatchModel(path, 4 + 7, method);
        }

        if (rest.StartsWith("repository/"))
        {
            return MatchRepository(path, 4 + 11, method);
        }

        if (rest.StartsWith("systemsharedmemory") || rest.StartsWith("cudasharedmemory"))
        {
            return MatchSharedMemory(path, rest.StartsWith("system") ? 4 + 18 : 4 + 16, method);
        }

        if (rest.SequenceEqual("logging"))
        {
            return method == HttpMethods.Get ? new HttpRoute(HttpEndpoint.LogSettingsRead, ServerOperation.LogSettingsRead)
                : method == HttpMethods.Post ? new HttpRoute(HttpEndpoint.LogSettingsChange, ServerOperation.LogSettingsChange)
                : HttpRoute.MethodNotAllowed;
        }

        return rest.SequenceEqual("trace/setting") ? TraceSettings(method, default) : HttpRoute.NotFound;
    }

    // GET reads, POST changes (the control token); a model's settings have no version (Triton rejects one too).
    private static HttpRoute TraceSettings(string method, ReadOnlyMemory<char> model) =>
        method == HttpMethods.Get ? new HttpRoute(HttpEndpoint.TraceSettingsRead, ServerOperation.TraceSettingsRead, model)
        : method == HttpMethods.Post ? new HttpRoute(HttpEndpoint.TraceSettingsChange, ServerOperation.TraceSettingsChange, model)
        : HttpRoute.MethodNotAllowed;

    // models/stats | models/{m}[/versions/{v}][/infer|ready|config|stats|drift|sketches] | models/{m}/traffic | models/{m}/trace/setting
    private static HttpRoute MatchModel(string path, int start, string method)
    {
        var rest = path.AsSpan(start);
        if (rest.SequenceEqual("stats"))
        {
            return Get(method, HttpEndpoint.AllStatistics, ServerOperation.ModelStatistics);
        }

        var slash = rest.IndexOf('/');
        var nameLength = slash < 0 ? rest.Length : slash;
        if (nameLength == 0)
        {
            return HttpRoute.NotFound;
        }

        var model = path.AsMemory(start, nameLength);
        var position = start + nameLength + (slash < 0 ? 0 : 1);
        var version = ReadOnlyMemory<char>.Empty;
        rest = slash < 0 ? [] : path.AsSpan(position);
        if (rest.StartsWith("versions/"))
        {
            position += 9;
            rest = path.AsSpan(position);
            slash = rest.IndexOf('/');
            var digits = slash < 0 ? rest.Length : slash;
            if (digits == 0 || rest[..digits].ContainsAnyExceptInRange('0', '9'))
            {
                return HttpRoute.NotFound;
            }

            version = path.AsMemory(position, digits);
            rest = slash < 0 ? [] : path.AsSpan(position + digits + 1);
        }

        if (rest.SequenceEqual("trace/setting"))
        {
            return version.IsEmpty ? TraceSettings(method, model) : HttpRoute.NotFound;
        }

        var (endpoint, operation, verb) = rest switch
        {
            "infer" => (HttpEndpoint.Infer, ServerOperation.Infer, HttpMethods.Post),
            "" => (HttpEndpoint.ModelMetadata, ServerOperation.ModelMetadata, HttpMethods.Get),
            "ready" => (HttpEndpoint.ModelReady, ServerOperation.ModelReady, HttpMethods.Get),
            "config" => (HttpEndpoint.ModelConfig, ServerOperation.ModelConfig, HttpMethods.Get),
            "stats" => (HttpEndpoint.ModelStatistics, ServerOperation.ModelStatistics, HttpMethods.Get),
            "drift" => (HttpEndpoint.ModelDrift, ServerOperation.ModelTelemetry, HttpMethods.Get),
            "sketches" => (HttpEndpoint.ModelSketches, ServerOperation.ModelTelemetry, HttpMethods.Get),
            "traffic" when version.IsEmpty => method == HttpMethods.Put
                ? (HttpEndpoint.TrafficChange, ServerOperation.TrafficChange, HttpMethods.Put)
                : (HttpEndpoint.TrafficRead, ServerOperation.TrafficRead, HttpMethods.Get),
            _ => (HttpEndpoint.NotFound, ServerOperation.None, ""),
        };
        return endpoint == HttpEndpoint.NotFound ? HttpRoute.NotFound
            : method != verb ? HttpRoute.MethodNotAllowed
            : new HttpRoute(endpoint, operation, model, version);
    }

    // repository/index | repository/{repo}/index | repository/models/{m}/load|unload
    private static HttpRoute MatchRepository(string path, int start, string method)
    {
        var rest = path.AsSpan(start);
        if (rest.SequenceEqual("index") || (rest.EndsWith("/index") && rest[..^6].IndexOf('/') < 0))
        {
            return method == HttpMethods.Post ? new HttpRoute(HttpEndpoint.RepositoryIndex, ServerOperation.RepositoryIndex) : HttpRoute.MethodNotAllowed;
        }

        if (rest.StartsWith("models/") && (rest.EndsWith("/load") || rest.EndsWith("/unload")))
        {
            if (method != HttpMethods.Post)
            {
                return HttpRoute.MethodNotAllowed;
            }

            var load = rest.EndsWith("/load");
            var model = path.AsMemory(start + 7, rest.Length - 7 - (load ? 5 : 7));
            return load
                ? new HttpRoute(HttpEndpoint.ModelLoad, ServerOperation.ModelLoad, model)
                : new HttpRoute(HttpEndpoint.ModelUnload, ServerOperation.ModelUnload, model);
        }

        return HttpRoute.NotFound;
    }

    // (system|cuda)sharedmemory[/region/{r}]/(status|register|unregister); the region travels in the route's model slot.
    private static HttpRoute MatchSharedMemory(string path, int start, string method)
    {
        var rest = path.AsSpan(start);
        var region = ReadOnlyMemory<char>.Empty;
        if (rest.StartsWith("/region/"))
        {
            var name = rest[8..];
            var slash = name.IndexOf('/');
            if (slash <= 0)
            {
                return HttpRoute.NotFound;
            }

            region = path.AsMemory(start + 8, slash);
            rest = name[slash..];
        }

        var (endpoint, operation, verb) = rest switch
        {
            "/status" => (HttpEndpoint.SharedMemoryStatus, ServerOperation.SharedMemory, HttpMethods.Get),
            "/register" => (HttpEndpoint.SharedMemoryRegister, ServerOperation.SharedMemoryChange, HttpMethods.Post),
            "/unregister" => (HttpEndpoint.SharedMemoryUnregister, ServerOperation.SharedMemoryChange, HttpMethods.Post),
            _ => (HttpEndpoint.NotFound, ServerOperation.None, ""),
        };
        return endpoint == HttpEndpoint.NotFound ? HttpRoute.NotFound
            : method != verb ? HttpRoute.MethodNotAllowed
            : new HttpRoute(endpoint, operation, region);
    }

    private static HttpRoute Get(string method, HttpEndpoint endpoint, ServerOperation operation) =>
        method == HttpMethods.Get ? new HttpRoute(endpoint, operation) : HttpRoute.MethodNotAllowed;
}
