using System.Net.Sockets;

namespace InferenceServer.Client.Transport;

/// <summary>
/// The one retry the client makes on its own: a call whose connection could not be made (refused, unreachable, name
/// not found) never sent its request, so trying again cannot run it twice. A failure after a connection was made
/// (reset, ended response, a status the server answered) may have run the request and is never retried.
/// </summary>
internal static class ConnectRetry
{
    /// <summary>True when <paramref name="exception"/> (or one it wraps) says no connection was made.</summary>
    public static bool NothingWasSent(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }:
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound }:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The pause before retry <paramref name="retry"/> (0 for the first): the configured delay, doubled each time.</summary>
    public static TimeSpan Delay(InferenceClientOptions options, int retry) => options.ConnectRetryDelay * (1 << retry);
}
