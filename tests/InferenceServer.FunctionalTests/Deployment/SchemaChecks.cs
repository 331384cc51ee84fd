using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// Offline schema check: each Kubernetes object is read strictly into the Kubernetes client's models, which are
/// generated from the API's OpenAPI schema, so a misspelt or misplaced field (readinesProbe, a probe under the
/// pod instead of the container) or a value of the wrong type fails. Custom resources have no model there:
/// their embedded containers are read as <see cref="V1Container"/>, the rest is left to the field checks.
/// </summary>
internal static class SchemaChecks
{
    /// <summary>Kinds without a model in the client: the field checks cover them.</summary>
    private static readonly string[] CustomKinds = ["PodMonitor", "ServiceMonitor", "PrometheusRule", "ServingRuntime", "InferenceService", "Kustomization"];

    public static void Check(IReadOnlyList<ManifestDocument> documents, Findings findings)
    {
        foreach (var document in documents)
        {
            try
            {
                Check(document, findings);
            }
            catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or FormatException or ArgumentException or InvalidOperationException)
            {
                findings.Problem(document.Where, $"schema: {Innermost(ex).Message}");
            }
        }
    }

    private static void Check(ManifestDocument document, Findings findings)
    {
        var yaml = YamlTree.ToYaml(document.Node);
        switch (document.Kind, document.ApiVersion)
        {
            case ("Deployment", "apps/v1"): KubernetesYaml.Deserialize<V1Deployment>(yaml, strict: true); break;
            case ("Service", "v1"): KubernetesYaml.Deserialize<V1Service>(yaml, strict: true); break;
            case ("Secret", "v1"): KubernetesYaml.Deserialize<V1Secret>(yaml, strict: true); break;
            case ("ConfigMap", "v1"): KubernetesYaml.Deserialize<V1ConfigMap>(yaml, strict: true); break;
            case ("HorizontalPodAutoscaler", "autoscaling/v2"): KubernetesYaml.Deserialize<V2HorizontalPodAutoscaler>(yaml, strict: true); break;
            case ("PodDisruptionBudget", "policy/v1"): KubernetesYaml.Deserialize<V1PodDisruptionBudget>(yaml, strict: true); break;
            case ("ServingRuntime", _):
                foreach (var container in Sequence(document.Node, "spec", "containers"))
                {
                    KubernetesYaml.Deserialize<V1Container>(YamlTree.ToYaml(container), strict: true);
                }

                break;
            case ("InferenceService", _):
                if (Child(document.Node, "spec", "predictor", "model") is YamlMappingNode model)
                {
                    var container = new YamlMappingNode(model.Children.Where(c => !KServeChecks.ModelFields.Contains(((YamlScalarNode)c.Key).Value)));
                    KubernetesYaml.Deserialize<V1Container>(YamlTree.ToYaml(container), strict: true);
                }

                break;
            case (null, _):
                // Not an object: Helm values (prometheus-adapter), read by the field checks.
                break;
            case ({ } kind, _) when CustomKinds.Contains(kind):
                break;
            default:
                findings.Problem(document.Where, $"no schema for {document.ApiVersion} {document.Kind}: add it to {nameof(SchemaChecks)}");
                break;
        }
    }

    private static YamlNode? Child(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) =>
        Child(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;
}
