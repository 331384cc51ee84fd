namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>The server's three listeners, as a port in a manifest can name them.</summary>
internal enum Listener
{
    Http,
    Grpc,
    Metrics,
}

/// <summary>
/// Something a manifest or the Dockerfile expects the server to answer: an HTTP path on the HTTP or metrics
/// port, or a <c>grpc.health.v1</c> check (path = the service name) on the gRPC port.
/// </summary>
internal sealed record ServerEndpoint(Listener Listener, string Path, string Where);

/// <summary>A Prometheus series the autoscaling pipeline reads, and whether its query takes a rate of it.</summary>
internal sealed record ScrapedMetric(string Series, bool QueryTakesRate, string Where);

/// <summary>
/// What the checks found: problems (each names the file and document), and what must be verified against a
/// running server — endpoints to call and metrics to find on <c>/metrics</c>.
/// </summary>
internal sealed class Findings
{
    public List<string> Problems { get; } = [];

    public List<ServerEndpoint> Endpoints { get; } = [];

    public List<ScrapedMetric> Metrics { get; } = [];

    public void Problem(string where, string what) => Problems.Add($"{where}: {what}");

    /// <summary>Problems as one message for an assertion.</summary>
    public override string ToString() => Problems.Count == 0 ? "(none)" : string.Join(Environment.NewLine, Problems);
}
