namespace InferenceServer.Core.Tracing;

/// <summary>The front end a request came through: it names the receive and send timestamps of a Triton trace.</summary>
public enum TraceProtocol
{
    /// <summary>An embedding program's own front end: no receive or send timestamps.</summary>
    Other,
    Http,
    Grpc,
}
