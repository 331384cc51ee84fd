using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// The paths, gRPC health checks and metric the Dockerfile and deploy/ rely on, asked of the real server: every
/// probe answers 200 (SERVING), every scraped path serves, the autoscaler's series is exported; and a wrong
/// path or metric name is caught.
/// </summary>
public sealed class LiveServerTests
{
    private static Findings Everything(List<ManifestDocument> documents)
    {
        var findings = ManifestTests.CheckAll(documents);
        findings.Endpoints.AddRange(DockerfileTests.CheckReal().Endpoints);
        return findings;
    }

    [Fact]
    public async Task ProbesHealthChecksAndMetric_AnswerOnTheRealServer()
    {
        var findings = Everything(DeployFiles.LoadAll());
        Assert.True(findings.Problems.Count == 0, findings.ToString());
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var problems = await LiveServerChecks.ProblemsAsync(server, findings);

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public async Task WrongProbePathOrMetric_IsCaughtByTheRealServer()
    {
        var documents = DeployFiles.LoadAll();
        var deployment = documents.Single(d => d.File == "deploy/kubernetes/deployment.yaml").Root;
        var container = ManifestTests.ServerContainer(deployment);
        YamlTree.Map(container, "startupProbe", "httpGet")!["path"] = "/v2/health/started";
        var adapter = documents.Single(d => d.File == "deploy/kubernetes/prometheus-adapter-values.yaml").Root;
        YamlTree.Map(adapter, "rules", "custom", 0)!["seriesQuery"] = "nv_inference_pending_requests{namespace!=\"\",pod!=\"\"}";
        var findings = Everything(documents);
        findings.Metrics.Add(new ScrapedMetric("nv_inference_request_success", QueryTakesRate: false, "a counter read without rate()"));
        findings.Metrics.Add(new ScrapedMetric("nv_inference_request_success", QueryTakesRate: true, "a counter read through rate()"));
        await using var server = await TestServer.StartAsync(TestRepositories.WriteSimple);

        var problems = await LiveServerChecks.ProblemsAsync(server, findings);

        Assert.Contains(problems, p => p.Contains("GET /v2/health/started on the Http port answers 404", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("exports no series nv_inference_pending_requests", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("a counter read without rate(): nv_inference_request_success is a counter", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.StartsWith("a counter read through rate()", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }
}
