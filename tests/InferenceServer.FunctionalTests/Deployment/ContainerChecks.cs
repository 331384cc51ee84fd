using System.Globalization;
using InferenceServer.Hosting;
using InferenceServer.Hosting.Flags;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// Checks one container that runs the server: its command line parses (the server's own parser), its ports are
/// the server's listeners, its probes call health routes on the right listener (readiness on readiness,
/// liveness on liveness), and its INFERENCE_SERVER_* variables name real flags.
/// </summary>
internal static class ContainerChecks
{
    public const string ReadyPath = "/v2/health/ready";
    public const string LivePath = "/v2/health/live";

    /// <summary>Whether a container runs the server's image (any registry, any tag).</summary>
    public static bool RunsServer(Dictionary<string, object?> container) =>
        YamlTree.Text(container, "image") is { } image && image.Split(':')[0].Split('/')[^1] == "inference-server";

    /// <param name="requireEveryListener">The container must declare every listener the server opens (a plain
    /// Deployment: the Service and monitors name them); KServe routes one port per container instead.</param>
    /// <param name="required">The probes the container must have.</param>
    public static ServerOptions? Check(Dictionary<string, object?> container, ImageFacts image, string where, Findings findings, bool requireEveryListener, RequiredProbes required)
    {
        var invocation = ServerInvocation.FromContainer(container, image.Entrypoint);
        if (invocation.Options is not { } options)
        {
            findings.Problem(where, $"the server would not start: {invocation.Error}");
            return null;
        }

        var listeners = Listeners(options);
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var port in YamlTree.Maps(container, "ports"))
        {
            var number = YamlTree.Int(port, "containerPort") ?? 0;
            var name = YamlTree.Text(port, "name");
            if (name is not null)
            {
                ports[name] = number;
            }

            if (!listeners.TryGetValue(number, out var listener))
            {
                findings.Problem(where, $"port {number} ({name}) is none of the server's listeners ({Describe(listeners)})");
            }
            else if (ExpectedListener(name) is { } expected && expected != listener)
            {
                findings.Problem(where, $"port '{name}' is {number}, the server's {listener} port, not its {expected} port");
            }
        }

        if (requireEveryListener)
        {
            foreach (var (number, listener) in listeners)
            {
                if (!ports.ContainsValue(number))
                {
                    findings.Problem(where, $"the server's {listener} port {number} is not declared");
                }
            }
        }

        CheckProbes(container, options, listeners, ports, where, findings, required);
        foreach (var variable in YamlTree.Maps(container, "env"))
        {
            var name = YamlTree.Text(variable, "name") ?? "";
            if (name.StartsWith(FlagDefinition.EnvironmentPrefix, StringComparison.Ordinal) && !ServerFlags.IsEnvironmentVariable(name))
            {
                findings.Problem(where, $"environment variable {name} names no flag of the server");
            }
        }

        return options;
    }

    private static void CheckProbes(Dictionary<string, object?> container, ServerOptions options, Dictionary<int, Listener> listeners,
        Dictionary<string, int> ports, string where, Findings findings, RequiredProbes required)
    {
        foreach (var kind in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
        {
            var probe = YamlTree.Map(container, kind);
            if (probe is null)
            {
                if (required == RequiredProbes.All || (required == RequiredProbes.Readiness && kind == "readinessProbe"))
                {
                    findings.Problem(where, $"no {kind}");
                }

                continue;
            }

            var at = $"{where} {kind}";
            if (YamlTree.Map(probe, "httpGet") is { } http)
            {
                var path = YamlTree.Text(http, "path") ?? "/";
                if (ProbeListener(YamlTree.Text(http, "port"), ports, listeners, at, findings) is not { } listener)
                {
                    continue;
                }

                if (listener != Listener.Http)
                {
                    findings.Problem(at, $"calls {path} on the {listener} port; the health routes are on the HTTP port ({options.HttpPort})");
                    continue;
                }

                // Readiness must turn false at SIGTERM and while a model is not ready; liveness must not (a pod
                // with one unready model would be restarted).
                if (kind == "readinessProbe" && path != ReadyPath)
                {
                    findings.Problem(at, $"calls {path}; readiness is {ReadyPath}");
                }
                else if (kind == "livenessProbe" && path != LivePath)
                {
                    findings.Problem(at, $"calls {path}; liveness is {LivePath}");
                }

                findings.Endpoints.Add(new ServerEndpoint(Listener.Http, path, at));
            }
            else if (YamlTree.Map(probe, "grpc") is { } grpc)
            {
                if (ProbeListener(YamlTree.Text(grpc, "port"), ports, listeners, at, findings) is not { } listener)
                {
                    continue;
                }

                if (listener != Listener.Grpc)
                {
                    findings.Problem(at, $"a gRPC probe on the {listener} port");
                    continue;
                }

                if (kind == "livenessProbe")
                {
                    findings.Problem(at, "grpc.health.v1 reports readiness; liveness is the HTTP route " + LivePath);
                }

                findings.Endpoints.Add(new ServerEndpoint(Listener.Grpc, YamlTree.Text(grpc, "service") ?? "", at));
            }
            else
            {
                // The listeners open before the models load, so a TCP check passes too early; the image has no shell.
                findings.Problem(at, "must be an httpGet on a health route or a grpc check");
            }
        }
    }

    private static Listener? ProbeListener(string? port, Dictionary<string, int> ports, Dictionary<int, Listener> listeners, string where, Findings findings)
    {
        // Knative fills in the container's one port when a probe names none.
        var number = port is null ? (ports.Count == 1 ? ports.Values.Single() : -1)
            : int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
            : ports.GetValueOrDefault(port, -1);
        if (listeners.TryGetValue(number, out var listener))
        {
            return listener;
        }

        findings.Problem(where, $"port {port ?? "(unset)"} is none of the server's listeners ({Describe(listeners)})");
        return null;
    }

    /// <summary>The listeners a server with these options opens, by port.</summary>
    public static Dictionary<int, Listener> Listeners(ServerOptions options)
    {
        var listeners = new Dictionary<int, Listener>();
        if (options.AllowHttp)
        {
            listeners[options.HttpPort] = Listener.Http;
        }

        if (options.AllowGrpc)
        {
            listeners[options.GrpcPort] = Listener.Grpc;
        }

        if (options.AllowMetrics)
        {
            listeners[options.MetricsPort] = Listener.Metrics;
        }

        return listeners;
    }

    /// <summary>The listener a conventional port name means (KServe: http1 and h2c).</summary>
    private static Listener? ExpectedListener(string? name) => name switch
    {
        "http" or "http1" => Listener.Http,
        "grpc" or "h2c" => Listener.Grpc,
        "metrics" => Listener.Metrics,
        _ => null,
    };

    private static string Describe(Dictionary<int, Listener> listeners) => string.Join(", ", listeners.Select(l => $"{l.Value} {l.Key}"));
}

/// <summary>The probes a container running the server must have.</summary>
internal enum RequiredProbes
{
    /// <summary>None here: a KServe runtime, whose InferenceServices add the probe for the port they route.</summary>
    None,

    /// <summary>A readiness probe (the listeners open before the models load).</summary>
    Readiness,

    /// <summary>Startup, readiness and liveness (a Deployment).</summary>
    All,
}
