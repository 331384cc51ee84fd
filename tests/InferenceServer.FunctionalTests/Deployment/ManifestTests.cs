namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// deploy/kubernetes and deploy/kserve agree with the server (its option parser, listeners and shutdown) and with
/// themselves, pass the Kubernetes schema offline, and each check fails on the mistake it exists for.
/// </summary>
public sealed class ManifestTests
{
    internal static ImageFacts Image { get; } = DockerfileChecks.Facts(DockerfileModel.Parse(DeployFiles.Read("Dockerfile")));

    internal static Findings CheckAll(List<ManifestDocument> documents)
    {
        var findings = new Findings();
        KubernetesChecks.Check(documents.Where(d => d.File.StartsWith("deploy/kubernetes/", StringComparison.Ordinal)).ToList(), Image, findings);
        KServeChecks.Check(documents.Where(d => d.File.StartsWith("deploy/kserve/", StringComparison.Ordinal)).ToList(), Image, findings);
        return findings;
    }

    private static Dictionary<string, object?> Document(List<ManifestDocument> documents, string file, int index = 0) =>
        documents.Single(d => d.File == file && d.Index == index).Root;

    internal static Dictionary<string, object?> ServerContainer(Dictionary<string, object?> deployment) =>
        YamlTree.Maps(deployment, "spec", "template", "spec", "containers").Single(ContainerChecks.RunsServer);

    [Fact]
    public void EveryYamlFile_Parses_AndHoldsDocuments()
    {
        var files = DeployFiles.YamlFiles();
        var documents = DeployFiles.LoadAll();

        Assert.Contains("deploy/kubernetes/deployment.yaml", files);
        Assert.Contains("deploy/kserve/servingruntime.yaml", files);
        Assert.All(files, f => Assert.Contains(documents, d => d.File == f));
    }

    [Fact]
    public void Manifests_AgreeWithTheServer()
    {
        var findings = CheckAll(DeployFiles.LoadAll());

        Assert.True(findings.Problems.Count == 0, findings.ToString());
        // Not vacuous: probes and the autoscaler's metric were found for the live checks.
        Assert.Contains(findings.Endpoints, e => e.Listener == Listener.Http && e.Path == ContainerChecks.ReadyPath);
        Assert.Contains(findings.Endpoints, e => e.Listener == Listener.Http && e.Path == ContainerChecks.LivePath);
        Assert.Contains(findings.Endpoints, e => e.Listener == Listener.Grpc);
        Assert.Contains(findings.Endpoints, e => e.Listener == Listener.Metrics);
        Assert.Contains(findings.Metrics, m => m.Series == "nv_inference_pending_request_count");
    }

    [Fact]
    public void Manifests_PassTheKubernetesSchema()
    {
        var findings = new Findings();

        SchemaChecks.Check(DeployFiles.LoadAll(), findings);

        Assert.True(findings.Problems.Count == 0, findings.ToString());
    }

    [Theory]
    [InlineData("readinessProbe:", "readinesProbe:", "readinesProbe")]
    [InlineData("terminationGracePeriodSeconds: 40", "terminationGracePeriodSeconds: forty", "forty")]
    [InlineData("          image: inference-server:latest\n", "          image: inference-server:latest\n          terminationGracePeriodSeconds: 40\n", "terminationGracePeriodSeconds")]
    [InlineData("              sleep:\n                seconds: 5", "              sleep:\n                second: 5", "'second'")]
    public void SchemaMistake_IsReported(string original, string mistake, string expected)
    {
        var text = DeployFiles.Read("deploy/kubernetes/deployment.yaml");
        Assert.Contains(original, text, StringComparison.Ordinal);
        var findings = new Findings();

        SchemaChecks.Check(DeployFiles.Parse("deploy/kubernetes/deployment.yaml", text.Replace(original, mistake, StringComparison.Ordinal)).ToList(), findings);

        Assert.True(findings.Problems.Exists(p => p.Contains(expected, StringComparison.Ordinal)), $"expected a problem containing '{expected}'; got:{Environment.NewLine}{findings}");
    }

    public static TheoryData<string> Mistakes => new(ManifestMistakes.All.Keys);

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void ManifestMistake_IsReported(string name)
    {
        var (change, expected) = ManifestMistakes.All[name];
        var documents = DeployFiles.LoadAll();
        change(documents);

        var findings = CheckAll(documents);

        Assert.True(findings.Problems.Exists(p => p.Contains(expected, StringComparison.Ordinal)), $"expected a problem containing '{expected}'; got:{Environment.NewLine}{findings}");
    }

    /// <summary>The mistakes the checks exist for, each applied to freshly read manifests.</summary>
    private static class ManifestMistakes
    {
        private const string Deployment = "deploy/kubernetes/deployment.yaml";

        public static readonly Dictionary<string, (Action<List<ManifestDocument>> Change, string Expected)> All = new(StringComparer.Ordinal)
        {
            ["flag typo"] = (d => YamlTree.List(ServerContainer(Document(d, Deployment)), "args").Add("--exit-timeout-sec=30"), "unknown flag '--exit-timeout-sec'"),
            ["bad flag value"] = (d => YamlTree.List(ServerContainer(Document(d, Deployment)), "args").Add("--model-control-mode=sometimes"), "is not a mode"),
            ["grace period within the drain"] = (d => YamlTree.Map(Document(d, Deployment), "spec", "template", "spec")!["terminationGracePeriodSeconds"] = "35", "terminationGracePeriodSeconds 35 must exceed"),
            ["exit timeout longer than the grace period"] = (d => YamlTree.List(ServerContainer(Document(d, Deployment)), "args").Add("--exit-timeout-secs=60"), "--exit-timeout-secs 60 s"),
            ["container port is not the flag's"] = (d => YamlTree.Maps(ServerContainer(Document(d, Deployment)), "ports").First()["containerPort"] = "8080", "port 8080 (http) is none of the server's listeners"),
            ["port flag without its container port"] = (d => YamlTree.List(ServerContainer(Document(d, Deployment)), "args").Add("--metrics-port=9102"), "Metrics port 9102 is not declared"),
            ["readiness on the liveness route"] = (d => YamlTree.Map(ServerContainer(Document(d, Deployment)), "readinessProbe", "httpGet")!["path"] = "/v2/health/live", "readiness is /v2/health/ready"),
            ["liveness on the readiness route"] = (d => YamlTree.Map(ServerContainer(Document(d, Deployment)), "livenessProbe", "httpGet")!["path"] = "/v2/health/ready", "liveness is /v2/health/live"),
            ["probe on the metrics port"] = (d => YamlTree.Map(ServerContainer(Document(d, Deployment)), "startupProbe", "httpGet")!["port"] = "metrics", "health routes are on the HTTP port"),
            ["tcp probe"] = (d => ServerContainer(Document(d, Deployment))["livenessProbe"] = new Dictionary<string, object?> { ["tcpSocket"] = new Dictionary<string, object?> { ["port"] = "http" } }, "must be an httpGet"),
            ["no startup probe"] = (d => ServerContainer(Document(d, Deployment)).Remove("startupProbe"), "no startupProbe"),
            ["token outside the Secret"] = (d => Replace(YamlTree.List(ServerContainer(Document(d, Deployment)), "args"), "--control-token-file=", "--control-token-file=/etc/token"), "is not in a mounted Secret"),
            ["token key the Secret lacks"] = (d => YamlTree.Maps(YamlTree.Maps(Document(d, Deployment), "spec", "template", "spec", "volumes").Single(v => YamlTree.Text(v, "name") == "control-token"), "secret", "items").Single()["key"] = "token", "with key token"),
            ["models not mounted"] = (d => Replace(YamlTree.List(ServerContainer(Document(d, Deployment)), "args"), "--model-repository=", "--model-repository=/data"), "--model-repository=/data is not a volume mount"),
            ["another user than the image's"] = (d => YamlTree.Map(Document(d, Deployment), "spec", "template", "spec", "securityContext")!["runAsUser"] = "1000", "runAsUser 1000 is not the image's user 1654"),
            ["unknown environment flag"] = (d => ServerContainer(Document(d, Deployment))["env"] = new List<object?> { new Dictionary<string, object?> { ["name"] = "INFERENCE_SERVER_HTTP_PROT", ["value"] = "8000" } }, "INFERENCE_SERVER_HTTP_PROT names no flag"),
            ["service targets no container port"] = (d => YamlTree.Maps(Document(d, "deploy/kubernetes/service.yaml"), "spec", "ports").First()["targetPort"] = "https", "targetPort https is no port"),
            ["service selects nothing"] = (d => YamlTree.Map(Document(d, "deploy/kubernetes/service.yaml"), "spec", "selector")!["app.kubernetes.io/name"] = "inference", "selects no Deployment's pods"),
            ["monitor scrapes the HTTP port"] = (d => YamlTree.Maps(Document(d, "deploy/kubernetes/podmonitor.yaml"), "spec", "podMetricsEndpoints").Single()["port"] = "http", "not the server's metrics port"),
            ["autoscaler metric no rule serves"] = (d => YamlTree.Map(Document(d, "deploy/kubernetes/hpa.yaml"), "spec", "metrics", 0, "pods", "metric")!["name"] = "pending_requests", "metric pending_requests is served by no prometheus-adapter rule"),
            ["autoscaler scales another Deployment"] = (d => YamlTree.Map(Document(d, "deploy/kubernetes/hpa.yaml"), "spec", "scaleTargetRef")!["name"] = "triton", "which is not here"),
            ["adapter rule without the pod mapping"] = (d => YamlTree.Map(Document(d, "deploy/kubernetes/prometheus-adapter-values.yaml"), "rules", "custom", 0, "resources", "overrides")!.Remove("pod"), "must map the pod and namespace labels"),
            ["kustomization misses a file"] = (d => YamlTree.List(Document(d, "deploy/kubernetes/kustomization.yaml"), "resources").Remove("pdb.yaml"), "does not list deploy/kubernetes/pdb.yaml"),
            ["kustomization deploys the example Secret"] = (d => YamlTree.List(Document(d, "deploy/kubernetes/kustomization.yaml"), "resources").Add("secret.example.yaml"), "deploys the example"),
            ["runtime without v2"] = (d => YamlTree.Map(Document(d, "deploy/kserve/servingruntime.yaml"), "spec")!["protocolVersions"] = new List<object?> { "v1" }, "must include v2"),
            ["runtime flag typo"] = (d => Replace(YamlTree.List(YamlTree.Maps(Document(d, "deploy/kserve/servingruntime.yaml"), "spec", "containers").Single(), "args"), "--grpc-port=", "--grpc_port=9000"), "unknown flag '--grpc_port'"),
            ["runtime serves another folder"] = (d => Replace(YamlTree.List(YamlTree.Maps(Document(d, "deploy/kserve/servingruntime.yaml"), "spec", "containers").Single(), "args"), "--model-repository=", "--model-repository=/models"), "KServe puts the models in /mnt/models"),
            ["runtime metrics annotation"] = (d => YamlTree.Map(Document(d, "deploy/kserve/servingruntime.yaml"), "spec", "annotations")!["prometheus.kserve.io/port"] = "9090", "prometheus.kserve.io/port is 9090"),
            ["gRPC service on another port"] = (d => YamlTree.Maps(YamlTree.Map(Document(d, "deploy/kserve/inferenceservice-grpc.yaml"), "spec", "predictor", "model"), "ports").Single()["containerPort"] = "9001", "port 9001 (h2c) is none of the server's listeners"),
            ["REST service on the gRPC port"] = (d => YamlTree.Maps(YamlTree.Map(Document(d, "deploy/kserve/inferenceservice.yaml"), "spec", "predictor", "model"), "ports").Single()["containerPort"] = "9000", "port 'http1' is 9000"),
            ["service on an unknown runtime"] = (d => YamlTree.Map(Document(d, "deploy/kserve/inferenceservice.yaml"), "spec", "predictor", "model")!["runtime"] = "kserve-tritonserver", "is no ServingRuntime"),
        };

        private static void Replace(List<object?> args, string prefix, string replacement)
        {
            var index = args.FindIndex(a => a is string s && s.StartsWith(prefix, StringComparison.Ordinal));
            Assert.True(index >= 0, $"no argument starts with {prefix}");
            args[index] = replacement;
        }
    }
}
