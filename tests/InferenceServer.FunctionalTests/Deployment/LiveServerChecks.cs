using System.Net;
using Grpc.Health.V1;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// What the static checks cannot know, asked of the real server: each probe and health-check path answers 200
/// on its listener (gRPC health answers SERVING), and each series the autoscaler reads is on <c>/metrics</c>,
/// with a type its query can use (a counter only through rate()).
/// </summary>
internal static class LiveServerChecks
{
    public static async Task<List<string>> ProblemsAsync(TestServer server, Findings findings)
    {
        var problems = new List<string>();
        using var http = new HttpClient { Timeout = TestTimeouts.Request };
        foreach (var endpoint in findings.Endpoints.DistinctBy(e => (e.Listener, e.Path)))
        {
            if (endpoint.Listener == Listener.Grpc)
            {
                var health = await server.Grpc.HealthCheckAsync(endpoint.Path).WithTimeout();
                if (health.Status != HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    problems.Add($"{endpoint.Where}: grpc.health.v1 check '{endpoint.Path}' answers {health.Status}");
                }

                continue;
            }

            var port = endpoint.Listener == Listener.Http ? server.HttpPort : server.MetricsPort;
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{endpoint.Path}")).WithTimeout();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                problems.Add($"{endpoint.Where}: GET {endpoint.Path} on the {endpoint.Listener} port answers {(int)response.StatusCode}");
            }
        }

        if (findings.Metrics.Count > 0)
        {
            var exposition = await http.GetStringAsync(new Uri($"http://127.0.0.1:{server.MetricsPort}/metrics")).WithTimeout();
            foreach (var metric in findings.Metrics)
            {
                var type = exposition.Split('\n').FirstOrDefault(l => l.StartsWith($"# TYPE {metric.Series} ", StringComparison.Ordinal))?.Split(' ')[^1];
                var sampled = exposition.Split('\n').Any(l => l.StartsWith(metric.Series + "{", StringComparison.Ordinal) || l.StartsWith(metric.Series + " ", StringComparison.Ordinal));
                if (type is null || !sampled)
                {
                    problems.Add($"{metric.Where}: the server exports no series {metric.Series}");
                }
                else if (type is "counter" && !metric.QueryTakesRate)
                {
                    problems.Add($"{metric.Where}: {metric.Series} is a counter; scale on its rate()");
                }
            }
        }

        return problems;
    }
}
