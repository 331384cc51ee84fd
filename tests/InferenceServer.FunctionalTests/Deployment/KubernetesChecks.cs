using System.Globalization;
using System.Text.RegularExpressions;
using InferenceServer.Hosting;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// Checks deploy/kubernetes against the server and against itself: the Deployment's container (see
/// <see cref="ContainerChecks"/>), its shutdown timing, token Secret, model volume and user; the Service, pod
/// monitor and disruption budget select its pods and name its ports; the autoscaler's metric is one
/// prometheus-adapter serves, from a series the server exports; kustomization.yaml lists every object.
/// </summary>
internal static partial class KubernetesChecks
{
    public static void Check(IReadOnlyList<ManifestDocument> documents, ImageFacts image, Findings findings)
    {
        var deployments = documents.Where(d => d.Kind == "Deployment").ToList();
        if (deployments.Count == 0)
        {
            findings.Problem("deploy/kubernetes", "no Deployment");
        }

        var servers = new Dictionary<ManifestDocument, ServerOptions>();
        foreach (var deployment in deployments)
        {
            if (CheckDeployment(deployment, documents, image, findings) is { } options)
            {
                servers[deployment] = options;
            }
        }

        foreach (var service in documents.Where(d => d.Kind == "Service"))
        {
            CheckService(service, deployments, findings);
        }

        foreach (var monitor in documents.Where(d => d.Kind is "PodMonitor" or "ServiceMonitor"))
        {
            CheckMonitor(monitor, documents, deployments, servers, findings);
        }

        foreach (var budget in documents.Where(d => d.Kind == "PodDisruptionBudget"))
        {
            if (SelectedDeployment(YamlTree.Map(budget.Root, "spec", "selector", "matchLabels"), deployments) is null)
            {
                findings.Problem(budget.Where, "selects no Deployment's pods");
            }
        }

        var adapterMetrics = AdapterMetrics(documents, findings);
        foreach (var autoscaler in documents.Where(d => d.Kind == "HorizontalPodAutoscaler"))
        {
            CheckAutoscaler(autoscaler, deployments, adapterMetrics, findings);
        }

        foreach (var kustomization in documents.Where(d => d.Kind == "Kustomization"))
        {
            CheckKustomization(kustomization, documents, findings);
        }
    }

    /// <summary>Checks a Deployment; returns its server's options when its command line parses.</summary>
    private static ServerOptions? CheckDeployment(ManifestDocument deployment, IReadOnlyList<ManifestDocument> documents, ImageFacts image, Findings findings)
    {
        var pod = YamlTree.Map(deployment.Root, "spec", "template", "spec");
        var selector = YamlTree.Map(deployment.Root, "spec", "selector", "matchLabels") ?? [];
        var labels = YamlTree.Map(deployment.Root, "spec", "template", "metadata", "labels") ?? [];
        if (selector.Count == 0 || !Selects(selector, labels))
        {
            findings.Problem(deployment.Where, "spec.selector does not select the pod template's labels");
        }

        var servers = YamlTree.Maps(pod, "containers").Where(ContainerChecks.RunsServer).ToList();
        if (servers.Count != 1)
        {
            findings.Problem(deployment.Where, $"{servers.Count} containers run the server image; expected one");
            return null;
        }

        var container = servers[0];
        var where = $"{deployment.Where} container {YamlTree.Text(container, "name")}";
        var options = ContainerChecks.Check(container, image, where, findings, requireEveryListener: true, RequiredProbes.All);
        if (options is null)
        {
            return null;
        }

        // Kubernetes counts the grace period from the start of preStop: the sleep, then SIGTERM and the drain.
        var grace = YamlTree.Int(pod, "terminationGracePeriodSeconds") ?? 30;
        var preStop = YamlTree.Int(container, "lifecycle", "preStop", "sleep", "seconds") ?? 0;
        if (YamlTree.Map(container, "lifecycle", "preStop") is { } hook && YamlTree.Map(hook, "sleep") is null)
        {
            findings.Problem(where, "preStop must be a sleep action (the image has no shell)");
        }

        if (grace <= preStop + options.ExitTimeout.TotalSeconds)
        {
            findings.Problem(deployment.Where, $"terminationGracePeriodSeconds {grace} must exceed preStop {preStop} s + --exit-timeout-secs {options.ExitTimeout.TotalSeconds} s, or the kubelet kills requests the server is still answering");
        }

        var mounts = YamlTree.Maps(container, "volumeMounts").ToList();
        var volumes = YamlTree.Maps(pod, "volumes").ToList();
        var repositoryMount = mounts.Find(m => YamlTree.Text(m, "mountPath") == options.ModelRepository);
        if (repositoryMount is null)
        {
            findings.Problem(where, $"--model-repository={options.ModelRepository} is not a volume mount");
        }

        var token = ServerInvocation.FromContainer(container, image.Entrypoint).ControlTokenFile;
        if (token is null)
        {
            findings.Problem(where, "no --control-token-file: control calls would be open to anything that reaches the pod");
        }
        else
        {
            CheckTokenSecret(token, mounts, volumes, documents, where, findings);
        }

        var security = YamlTree.Map(pod, "securityContext");
        var runAsUser = YamlTree.Int(container, "securityContext", "runAsUser") ?? YamlTree.Int(security, "runAsUser");
        var nonRoot = YamlTree.Text(container, "securityContext", "runAsNonRoot") ?? YamlTree.Text(security, "runAsNonRoot");
        if (nonRoot != "true")
        {
            findings.Problem(deployment.Where, "runAsNonRoot must be true");
        }

        if (runAsUser is not null && runAsUser != image.Uid)
        {
            findings.Problem(deployment.Where, $"runAsUser {runAsUser} is not the image's user {image.Uid}");
        }

        return options;
    }

    // The token file must be a key of a Secret mounted read-only, and that Secret must be the one the example shows.
    private static void CheckTokenSecret(string token, List<Dictionary<string, object?>> mounts, List<Dictionary<string, object?>> volumes,
        IReadOnlyList<ManifestDocument> documents, string where, Findings findings)
    {
        var mount = mounts.Find(m => YamlTree.Text(m, "mountPath") is { } path && token.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal));
        var volume = mount is null ? null : volumes.Find(v => YamlTree.Text(v, "name") == YamlTree.Text(mount, "name"));
        var secret = YamlTree.Map(volume, "secret");
        if (mount is null || secret is null)
        {
            findings.Problem(where, $"--control-token-file={token} is not in a mounted Secret");
            return;
        }

        if (YamlTree.Text(mount, "readOnly") != "true")
        {
            findings.Problem(where, $"the token mount {YamlTree.Text(mount, "mountPath")} must be readOnly");
        }

        var file = token[(YamlTree.Text(mount, "mountPath")!.TrimEnd('/').Length + 1)..];
        var items = YamlTree.Maps(secret, "items").ToList();
        var key = items.Count == 0 ? file : items.Find(i => YamlTree.Text(i, "path") == file) is { } item ? YamlTree.Text(item, "key") : null;
        var secretName = YamlTree.Text(secret, "secretName");
        if (key is null)
        {
            findings.Problem(where, $"Secret {secretName} puts no key at {file}");
            return;
        }

        var example = documents.FirstOrDefault(d => d.Kind == "Secret" && d.Name == secretName);
        if (example is null || (YamlTree.At(example.Root, "stringData", key) ?? YamlTree.At(example.Root, "data", key)) is null)
        {
            findings.Problem(where, $"no Secret {secretName} with key {key} under deploy/ shows what to create");
        }
    }

    private static void CheckService(ManifestDocument service, List<ManifestDocument> deployments, Findings findings)
    {
        var deployment = SelectedDeployment(YamlTree.Map(service.Root, "spec", "selector"), deployments);
        if (deployment is null)
        {
            findings.Problem(service.Where, "selects no Deployment's pods");
            return;
        }

        var containerPorts = ServerContainerPorts(deployment);
        foreach (var port in YamlTree.Maps(service.Root, "spec", "ports"))
        {
            var target = YamlTree.Text(port, "targetPort") ?? YamlTree.Text(port, "port");
            var number = target is not null && int.TryParse(target, CultureInfo.InvariantCulture, out var n) ? n : containerPorts.GetValueOrDefault(target ?? "", -1);
            if (!containerPorts.ContainsValue(number))
            {
                findings.Problem(service.Where, $"targetPort {target} is no port of the server container");
            }
            else if (YamlTree.Int(port, "port") != number)
            {
                // Clients expect the server's ports (Triton's 8000/8001/8002) on the Service too.
                findings.Problem(service.Where, $"port {YamlTree.Text(port, "port")} forwards to {number}; keep them equal");
            }
        }
    }

    private static void CheckMonitor(ManifestDocument monitor, IReadOnlyList<ManifestDocument> documents, List<ManifestDocument> deployments,
        Dictionary<ManifestDocument, ServerOptions> servers, Findings findings)
    {
        ManifestDocument? deployment;
        IEnumerable<Dictionary<string, object?>> endpoints;
        if (monitor.Kind == "PodMonitor")
        {
            deployment = SelectedDeployment(YamlTree.Map(monitor.Root, "spec", "selector", "matchLabels"), deployments);
            endpoints = YamlTree.Maps(monitor.Root, "spec", "podMetricsEndpoints");
        }
        else
        {
            var labels = YamlTree.Map(monitor.Root, "spec", "selector", "matchLabels") ?? [];
            var service = documents.FirstOrDefault(d => d.Kind == "Service" && Selects(labels, YamlTree.Map(d.Root, "metadata", "labels") ?? []));
            deployment = service is null ? null : SelectedDeployment(YamlTree.Map(service.Root, "spec", "selector"), deployments);
            endpoints = YamlTree.Maps(monitor.Root, "spec", "endpoints");
        }

        if (deployment is null || !servers.TryGetValue(deployment, out var options))
        {
            findings.Problem(monitor.Where, "selects no server pods");
            return;
        }

        var ports = ServerContainerPorts(deployment);
        var metricsPort = options.AllowMetrics ? options.MetricsPort : -1;
        foreach (var endpoint in endpoints)
        {
            var port = YamlTree.Text(endpoint, "port") ?? "";
            if (!ports.TryGetValue(port, out var number) || number != metricsPort)
            {
                findings.Problem(monitor.Where, $"scrapes port '{port}', not the server's metrics port");
            }

            var path = YamlTree.Text(endpoint, "path") ?? "/metrics";
            findings.Endpoints.Add(new ServerEndpoint(Listener.Metrics, path, monitor.Where));
        }
    }

    /// <summary>prometheus-adapter rules (Helm values: rules.custom): the name each serves, from which series.</summary>
    private static Dictionary<string, ScrapedMetric> AdapterMetrics(IReadOnlyList<ManifestDocument> documents, Findings findings)
    {
        var served = new Dictionary<string, ScrapedMetric>(StringComparer.Ordinal);
        foreach (var values in documents.Where(d => d.Kind is null && YamlTree.At(d.Root, "rules", "custom") is not null))
        {
            foreach (var rule in YamlTree.Maps(values.Root, "rules", "custom"))
            {
                var series = YamlTree.Text(rule, "seriesQuery") is { } query && SeriesName().Match(query) is { Success: true } m ? m.Groups[1].Value : null;
                var metricsQuery = YamlTree.Text(rule, "metricsQuery") ?? "";
                if (series is null)
                {
                    findings.Problem(values.Where, "a rule's seriesQuery names no metric");
                    continue;
                }

                var overrides = YamlTree.Map(rule, "resources", "overrides") ?? [];
                if (YamlTree.Text(overrides, "pod", "resource") != "pod" || YamlTree.Text(overrides, "namespace", "resource") != "namespace")
                {
                    findings.Problem(values.Where, $"the rule for {series} must map the pod and namespace labels to their resources (Pods metrics)");
                }

                if (!metricsQuery.Contains("<<.Series>>", StringComparison.Ordinal) || !metricsQuery.Contains("<<.GroupBy>>", StringComparison.Ordinal))
                {
                    findings.Problem(values.Where, $"the rule for {series} must query <<.Series>> grouped by <<.GroupBy>>");
                }

                var name = YamlTree.Text(rule, "name", "as") ?? series;
                var metric = new ScrapedMetric(series, metricsQuery.Contains("rate(", StringComparison.Ordinal), values.Where);
                served[name] = metric;
            }
        }

        return served;
    }

    private static void CheckAutoscaler(ManifestDocument autoscaler, List<ManifestDocument> deployments, Dictionary<string, ScrapedMetric> adapterMetrics, Findings findings)
    {
        var target = YamlTree.Map(autoscaler.Root, "spec", "scaleTargetRef");
        if (YamlTree.Text(target, "kind") != "Deployment" || !deployments.Exists(d => d.Name == YamlTree.Text(target, "name")))
        {
            findings.Problem(autoscaler.Where, $"scales {YamlTree.Text(target, "kind")}/{YamlTree.Text(target, "name")}, which is not here");
        }

        if (YamlTree.Int(autoscaler.Root, "spec", "minReplicas") is not >= 2)
        {
            findings.Problem(autoscaler.Where, "minReplicas below 2 leaves no pod serving while the only one restarts");
        }

        foreach (var metric in YamlTree.Maps(autoscaler.Root, "spec", "metrics"))
        {
            var type = YamlTree.Text(metric, "type");
            if (type is "Resource" or "ContainerResource")
            {
                continue;
            }

            var name = YamlTree.Text(metric, type is "Pods" ? "pods" : type is "Object" ? "object" : "external", "metric", "name");
            if (name is null || !adapterMetrics.TryGetValue(name, out var source))
            {
                findings.Problem(autoscaler.Where, $"metric {name} is served by no prometheus-adapter rule under deploy/");
                continue;
            }

            findings.Metrics.Add(source with { Where = autoscaler.Where });
        }
    }

    private static void CheckKustomization(ManifestDocument kustomization, IReadOnlyList<ManifestDocument> documents, Findings findings)
    {
        var folder = Path.GetDirectoryName(kustomization.File)!.Replace('\\', '/');
        var listed = YamlTree.Texts(kustomization.Root, "resources").Select(r => $"{folder}/{r}").ToHashSet(StringComparer.Ordinal);
        foreach (var resource in listed.Where(r => !File.Exists(Path.Combine(DeployFiles.Root, r))))
        {
            findings.Problem(kustomization.Where, $"lists {resource}, which does not exist");
        }

        // Every object beside it is deployed, except examples (a Secret must not ship with a known token).
        foreach (var document in documents.Where(d => Path.GetDirectoryName(d.File)!.Replace('\\', '/') == folder && d.Kind is not null and not "Kustomization"))
        {
            if (!document.File.EndsWith(".example.yaml", StringComparison.Ordinal) && !listed.Contains(document.File))
            {
                findings.Problem(kustomization.Where, $"does not list {document.File}");
            }
            else if (document.File.EndsWith(".example.yaml", StringComparison.Ordinal) && listed.Contains(document.File))
            {
                findings.Problem(kustomization.Where, $"deploys the example {document.File}");
            }
        }
    }

    private static ManifestDocument? SelectedDeployment(Dictionary<string, object?>? selector, List<ManifestDocument> deployments) =>
        selector is null or { Count: 0 } ? null
        : deployments.Find(d => Selects(selector, YamlTree.Map(d.Root, "spec", "template", "metadata", "labels") ?? []));

    private static bool Selects(Dictionary<string, object?> selector, Dictionary<string, object?> labels) =>
        selector.All(s => labels.TryGetValue(s.Key, out var value) && Equals(value, s.Value));

    /// <summary>The server container's ports by name.</summary>
    private static Dictionary<string, int> ServerContainerPorts(ManifestDocument deployment) =>
        YamlTree.Maps(deployment.Root, "spec", "template", "spec", "containers").Where(ContainerChecks.RunsServer)
            .SelectMany(c => YamlTree.Maps(c, "ports"))
            .Where(p => YamlTree.Text(p, "name") is not null)
            .ToDictionary(p => YamlTree.Text(p, "name")!, p => YamlTree.Int(p, "containerPort") ?? -1, StringComparer.Ordinal);

    [GeneratedRegex(@"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex SeriesName();
}
