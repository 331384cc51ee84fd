using System.Net;
using System.Text.Json.Nodes;
using Grpc.Core;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Telemetry;

/// <summary>
/// The metrics endpoint as a real Prometheus sees it: the server serves <c>simple</c>, Prometheus scrapes it,
/// the tests send a known amount of traffic and ask Prometheus' query API what it recorded.
/// <para>
/// Invariants checked:
/// <list type="bullet">
/// <item>the target scrapes healthily (<c>up</c> = 1), the exposition parses into samples, and <c>simple</c>
/// is reported ready;</item>
/// <item><c>nv_inference_request_success{model="simple"}</c>, summed over versions, grows by exactly the number
/// of successful HTTP and gRPC requests;</item>
/// <item><c>nv_inference_request_failure{model="simple",reason="OTHER"}</c> grows by exactly the number of
/// requests failed by validation (wrong shapes), and failures never count as successes;</item>
/// <item>the request-duration histogram yields a finite, positive p90 through <c>histogram_quantile</c>.</item>
/// </list>
/// </para>
/// Each count is compared with a baseline read before the traffic, so the checks hold whatever else the class's
/// tests sent to the shared server first.
/// </summary>
public sealed class PrometheusScrapeTests(PrometheusScrapeFixture fixture) : IClassFixture<PrometheusScrapeFixture>
{
    private const int HttpRequests = 50;
    private const int GrpcRequests = 50;
    private const int HttpWrongShapes = 3;
    private const int GrpcWrongShapes = 3;

    private const string Success = """sum(nv_inference_request_success{model="simple"})""";
    private const string ValidationFailure = """sum(nv_inference_request_failure{model="simple",reason="OTHER"})""";
    private const string RequestP90 = """histogram_quantile(0.9, sum by (le) (inference_server_request_duration_seconds_bucket{model="simple"}))""";

    private readonly TestServer _server = fixture.Server;
    private readonly PrometheusServer _prometheus = fixture.Prometheus;

    [Fact]
    public async Task Scrape_RunningServer_TargetIsUpAndModelReadyArrives()
    {
        var up = await _prometheus.WaitForAsync($$"""up{job="{{PrometheusServer.JobName}}"}""", s => s.Single().Value == 1);
        await _prometheus.WaitForAsync($$"""scrape_samples_scraped{job="{{PrometheusServer.JobName}}"}""", s => s.Single().Value > 0);
        var ready = await _prometheus.WaitForAsync("""inference_server_model_ready{model="simple"}""", s => s.Count == 1);

        Assert.Equal(_prometheus.Target, up.Single().Labels["instance"]);
        Assert.Equal("1", ready.Single().Labels["version"]);
        Assert.Equal(1, ready.Single().Value);
    }

    [Fact]
    public async Task Scrape_KnownTraffic_CountersAndHistogramMatchTheTraffic()
    {
        // A first scrape must have happened, or a baseline could read "no data" while the counter already
        // holds another test's requests.
        await _prometheus.WaitForAsync($$"""up{job="{{PrometheusServer.JobName}}"}""", s => s.Single().Value == 1);
        var successBefore = await ScalarAsync(Success);
        var failureBefore = await ScalarAsync(ValidationFailure);

        for (var i = 0; i < HttpRequests; i++)
        {
            await InferHttpAsync(seed: i);
        }

        for (var i = 0; i < GrpcRequests; i++)
        {
            await InferGrpcAsync(seed: i);
        }

        for (var i = 0; i < HttpWrongShapes; i++)
        {
            await InferHttpWrongShapeAsync();
        }

        for (var i = 0; i < GrpcWrongShapes; i++)
        {
            await InferGrpcWrongShapeAsync();
        }

        var successes = successBefore + HttpRequests + GrpcRequests;
        var failures = failureBefore + HttpWrongShapes + GrpcWrongShapes;
        await _prometheus.WaitForAsync(Success, s => s.Single().Value == successes);
        await _prometheus.WaitForAsync(ValidationFailure, s => s.Single().Value == failures);
        var p90 = await _prometheus.WaitForAsync(RequestP90, s => s.Count == 1 && double.IsFinite(s[0].Value));

        Assert.Equal(successes, await ScalarAsync(Success));
        Assert.Equal(failures, await ScalarAsync(ValidationFailure));
        Assert.True(p90.Single().Value > 0, $"p90 request duration {p90.Single().Value}s is not positive");
    }

    /// <summary>The query's value, 0 when no series matches yet (a counter appears with its first increment).</summary>
    private async Task<double> ScalarAsync(string promql) => (await _prometheus.QueryAsync(promql)) switch
    {
        [] => 0,
        [var one] => one.Value,
        var many => throw new InvalidOperationException($"'{promql}' returned {many.Count} series: {string.Join(", ", many)}"),
    };

    private async Task InferHttpAsync(int seed)
    {
        using var response = await HttpInfer.PostAsync(_server.Http, "simple", SimpleRequests.Json(batch: 1, seed));
        var result = await HttpInfer.ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), result.Int32Data("OUTPUT0"));
    }

    private async Task InferGrpcAsync(int seed)
    {
        var response = await _server.Grpc.ModelInferAsync(SimpleRequests.Grpc(batch: 1, seed)).WithTimeout();

        Assert.Equal(["OUTPUT0", "OUTPUT1"], response.Outputs.Select(o => o.Name));
        Assert.Equal(SimpleRequests.Sum(SimpleRequests.Input0(1, seed), SimpleRequests.Input1(1, seed)), SimpleRequests.Int32s(response.RawOutputContents[0]));
    }

    /// <summary>INPUT0 with 8 columns where the config says 16: a validation failure.</summary>
    private async Task InferHttpWrongShapeAsync()
    {
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(
                HttpInfer.Input("INPUT0", "INT32", [1, 8], HttpInfer.Numbers(Enumerable.Range(0, 8))),
                HttpInfer.Input("INPUT1", "INT32", [1, 16], HttpInfer.Numbers(SimpleRequests.Input1(1)))),
        };

        using var response = await HttpInfer.PostAsync(_server.Http, "simple", HttpInfer.Json(body));

        await HttpInfer.AssertErrorAsync(response, HttpStatusCode.BadRequest);
    }

    private async Task InferGrpcWrongShapeAsync()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _server.Grpc.ModelInferAsync(SimpleRequests.GrpcWrongShape()).WithTimeout());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }
}

/// <summary>A server with <c>simple</c> and a Prometheus scraping it, shared by the tests of <see cref="PrometheusScrapeTests"/>.</summary>
public sealed class PrometheusScrapeFixture : IAsyncLifetime
{
    private TestServer? _server;
    private PrometheusServer? _prometheus;

    public TestServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    internal PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("prometheus has not started");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(TestRepositories.WriteSimple).WaitAsync(TestTimeouts.Server);
        _prometheus = await PrometheusServer.StartAsync(_server.MetricsPort).WaitAsync(TestTimeouts.Server);
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Server);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Server);
        }
    }
}
