using Microsoft.AspNetCore.Connections.Features;

namespace InferenceServer.Hosting;

/// <summary>
/// From the moment shutdown begins, every connection that serves a request is told to go away after it: an HTTP/1.1
/// response carries <c>Connection: close</c> (the client opens a new connection for its next request, which the load
/// balancer sends elsewhere or the server refuses cleanly), and an HTTP/2 connection gets GOAWAY (Kestrel's graceful
/// close: the streams in flight finish, a stream the client opened meanwhile is refused in a way clients retry).
/// <para>
/// Why per request and not all connections at once: a keep-alive HTTP/1.1 client that sends in a loop looks idle to the
/// server between an answer and its next request; closing such a connection races with that request, which is then
/// lost mid-flight ("other side closed", a reset) — the very thing a drain must not do. Told on an answer, the client
/// closes the connection itself, and nothing is in flight on it. Connections that stay idle through the whole drain are
/// closed by Kestrel when the listeners stop.
/// </para>
/// </summary>
internal static class ConnectionDraining
{
    /// <summary>Marks the connection serving <paramref name="context"/> to close once this request is answered.</summary>
    public static void CloseAfterThisRequest(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
            return;
        }

        context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
    }
}
