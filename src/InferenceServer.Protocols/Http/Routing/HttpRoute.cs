using InferenceServer.Protocols.Authorization;

namespace InferenceServer.Protocols.Http.Routing;

/// <summary>
/// A request's path and method as the server understands them: the endpoint, the operation it is for the authorization
/// table, and the model and version the path names (slices of the path: matching makes no strings).
/// </summary>
internal readonly record struct HttpRoute(HttpEndpoint Endpoint, ServerOperation Operation, ReadOnlyMemory<char> Model = default, ReadOnlyMemory<char> Version = default)
{
    public static HttpRoute NotFound => new(HttpEndpoint.NotFound, ServerOperation.None);

    public static HttpRoute MethodNotAllowed => new(HttpEndpoint.MethodNotAllowed, ServerOperation.None);
}
