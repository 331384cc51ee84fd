namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// Checks deploy/kserve: the ServingRuntime speaks the v2 protocol with a command line the server accepts,
/// serves KServe's model folder and points KServe's metrics annotations at the metrics listener; each
/// InferenceService names that runtime, a format and protocol it supports, and a port and probe its flags open.
/// </summary>
internal static class KServeChecks
{
    /// <summary>Where KServe's storage initializer puts an InferenceService's storageUri.</summary>
    public const string ModelFolder = "/mnt/models";

    /// <summary>KServe's REST port when an InferenceService declares none.</summary>
    public const int DefaultHttpPort = 8080;

    /// <summary>InferenceService predictor fields that are KServe's own; the rest is a container merged into the runtime's.</summary>
    public static readonly string[] ModelFields = ["runtime", "modelFormat", "protocolVersion", "storageUri"];

    public static void Check(IReadOnlyList<ManifestDocument> documents, ImageFacts image, Findings findings)
    {
        var runtimes = documents.Where(d => d.Kind is "ServingRuntime" or "ClusterServingRuntime").ToList();
        if (runtimes.Count == 0)
        {
            findings.Problem("deploy/kserve", "no ServingRuntime");
        }

        foreach (var runtime in runtimes)
        {
            CheckRuntime(runtime, image, findings);
        }

        foreach (var service in documents.Where(d => d.Kind == "InferenceService"))
        {
            CheckInferenceService(service, runtimes, image, findings);
        }
    }

    private static void CheckRuntime(ManifestDocument runtime, ImageFacts image, Findings findings)
    {
        var protocols = YamlTree.Texts(runtime.Root, "spec", "protocolVersions");
        if (!protocols.Contains("v2"))
        {
            findings.Problem(runtime.Where, "protocolVersions must include v2 (the server speaks the v2 / Open Inference protocol)");
        }

        if (protocols.Except(["v2", "grpc-v2"]).FirstOrDefault() is { } other)
        {
            findings.Problem(runtime.Where, $"protocolVersions lists {other}, which the server does not speak");
        }

        if (!YamlTree.Maps(runtime.Root, "spec", "supportedModelFormats").Any(f => YamlTree.Text(f, "name") == "onnx"))
        {
            findings.Problem(runtime.Where, "supportedModelFormats must include onnx");
        }

        if (ServerContainer(runtime) is not { } container)
        {
            findings.Problem(runtime.Where, "no container runs the server image");
            return;
        }

        var options = ContainerChecks.Check(container, image, $"{runtime.Where} container", findings, requireEveryListener: false, RequiredProbes.None);
        if (options is null)
        {
            return;
        }

        if (options.ModelRepository != ModelFolder)
        {
            findings.Problem(runtime.Where, $"--model-repository={options.ModelRepository}; KServe puts the models in {ModelFolder}");
        }

        if (protocols.Contains("grpc-v2") && !options.AllowGrpc)
        {
            findings.Problem(runtime.Where, "lists grpc-v2 but the server's gRPC listener is off");
        }

        var annotations = YamlTree.Map(runtime.Root, "spec", "annotations") ?? [];
        if (YamlTree.Text(annotations, "prometheus.kserve.io/port") is { } port)
        {
            if (!options.AllowMetrics || port != options.MetricsPort.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                findings.Problem(runtime.Where, $"prometheus.kserve.io/port is {port}, not the server's metrics port ({options.MetricsPort})");
            }

            findings.Endpoints.Add(new ServerEndpoint(Listener.Metrics, YamlTree.Text(annotations, "prometheus.kserve.io/path") ?? "/metrics", runtime.Where));
        }
    }

    private static void CheckInferenceService(ManifestDocument service, List<ManifestDocument> runtimes, ImageFacts image, Findings findings)
    {
        var model = YamlTree.Map(service.Root, "spec", "predictor", "model");
        var runtime = runtimes.Find(r => r.Name == YamlTree.Text(model, "runtime"));
        if (model is null || runtime is null || ServerContainer(runtime) is not { } runtimeContainer)
        {
            findings.Problem(service.Where, $"predictor.model.runtime '{YamlTree.Text(model, "runtime")}' is no ServingRuntime under deploy/kserve");
            return;
        }

        var format = YamlTree.Text(model, "modelFormat", "name");
        if (!YamlTree.Maps(runtime.Root, "spec", "supportedModelFormats").Any(f => YamlTree.Text(f, "name") == format))
        {
            findings.Problem(service.Where, $"modelFormat {format} is not supported by {runtime.Name}");
        }

        var protocol = YamlTree.Text(model, "protocolVersion") ?? "v1";
        if (!YamlTree.Texts(runtime.Root, "spec", "protocolVersions").Contains(protocol))
        {
            findings.Problem(service.Where, $"protocolVersion {protocol} is not one of {runtime.Name}'s");
        }

        // The pod runs the runtime's container with the InferenceService's container fields merged over it.
        var merged = new Dictionary<string, object?>(runtimeContainer, StringComparer.Ordinal);
        foreach (var (key, value) in model.Where(f => !ModelFields.Contains(f.Key)))
        {
            merged[key] = value;
        }

        if (YamlTree.List(merged, "ports").Count == 0)
        {
            merged["ports"] = new List<object?> { new Dictionary<string, object?> { ["name"] = "http1", ["containerPort"] = DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        }

        var options = ContainerChecks.Check(merged, image, $"{service.Where} predictor", findings, requireEveryListener: false, RequiredProbes.Readiness);
        var ports = YamlTree.Maps(merged, "ports").ToList();
        if (options is null)
        {
            return;
        }

        if (ports.Count != 1)
        {
            findings.Problem(service.Where, $"{ports.Count} ports; Knative routes exactly one");
        }
        else if (protocol == "grpc-v2" && YamlTree.Text(ports[0], "name") != "h2c")
        {
            findings.Problem(service.Where, "grpc-v2 needs its port named h2c (Knative then routes HTTP/2)");
        }
    }

    private static Dictionary<string, object?>? ServerContainer(ManifestDocument runtime) =>
        YamlTree.Maps(runtime.Root, "spec", "containers").FirstOrDefault(ContainerChecks.RunsServer);
}
