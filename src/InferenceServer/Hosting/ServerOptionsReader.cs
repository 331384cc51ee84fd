using System.Globalization;

namespace InferenceServer.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> from tritonserver-style arguments (<c>--flag=value</c>,
/// <c>--flag value</c>, a bare boolean flag means true), the environment and appsettings.json.
/// Written by hand (no reflection binder) so it stays native-AOT clean and every error names the flag.
/// </summary>
internal static class ServerOptionsReader
{
    public const string EnvironmentPrefix = "INFERENCE_SERVER_";

    /// <summary>Every flag: name, default (as text), help.</summary>
    public static readonly (string Name, string Default, string Help)[] Flags =
    [
        ("model-repository", "(required)", "Path of the model repository (Triton layout). Alias: --model-store"),
        ("address", "0.0.0.0", "Address the HTTP, gRPC and metrics listeners bind to"),
        ("http-port", "8000", "HTTP/REST port; 0 picks a free port"),
        ("grpc-port", "8001", "gRPC port; 0 picks a free port"),
        ("metrics-port", "8002", "Prometheus /metrics port; 0 picks a free port"),
        ("allow-http", "true", "Serve HTTP/REST"),
        ("allow-grpc", "true", "Serve gRPC"),
        ("allow-metrics", "true", "Serve /metrics"),
        ("allow-metrics-on-http-port", "false", "Also serve /metrics on the HTTP port (one port per pod)"),
        ("telemetry-sketches", "true", "Keep latency sketches and input/output distribution sketches with drift scores per model version"),
        ("strict-readiness", "true", "Ready only when every model version is ready"),
        ("exit-on-error", "true", "Exit when a model fails to load at start-up"),
        ("exit-timeout-secs", "30", "On SIGTERM: seconds to finish the requests already accepted before exiting"),
        ("shutdown-grace-secs", "5", "On SIGTERM: seconds to keep serving after readiness turns false, before refusing new inference requests (within --exit-timeout-secs); fractions allowed"),
        ("log-verbose", "0", "Verbose logging level (0 = off, 1 = debug, 2 = trace); changeable at run time through /v2/logging"),
        ("log-info", "true", "Write information lines"),
        ("log-warning", "true", "Write warnings"),
        ("log-error", "true", "Write errors"),
        ("http-max-input-size", "67108864", "Largest HTTP request body in bytes"),
        ("grpc-max-message-size", "2147483647", "Largest gRPC message in bytes, both directions"),
        ("http-max-header-size", "32768", "Largest total size of an HTTP request's headers in bytes (431 above it)"),
        ("http-server-cert", "(none)", "PEM certificate (chain) for HTTPS on the HTTP port; with --http-server-key"),
        ("http-server-key", "(none)", "PEM private key of --http-server-cert"),
        ("http-root-cert", "(none)", "PEM CA certificate(s) client certificates must chain to (with --http-use-ssl-mutual)"),
        ("http-use-ssl-mutual", "false", "HTTP: require a client certificate signed by --http-root-cert"),
        ("grpc-use-ssl", "false", "gRPC over TLS (needs --grpc-server-cert and --grpc-server-key; setting those is enough)"),
        ("grpc-server-cert", "(none)", "PEM certificate (chain) for TLS on the gRPC port; with --grpc-server-key"),
        ("grpc-server-key", "(none)", "PEM private key of --grpc-server-cert"),
        ("grpc-root-cert", "(none)", "PEM CA certificate(s) client certificates must chain to (with --grpc-use-ssl-mutual)"),
        ("grpc-use-ssl-mutual", "false", "gRPC: require a client certificate signed by --grpc-root-cert"),
        ("model-control-mode", "none", "Model control mode: none (load everything at start-up), poll (also apply repository changes every --repository-poll-secs) or explicit (load/unload through the repository API)"),
        ("repository-poll-secs", "15", "Poll mode: seconds between repository scans (a change applies once two scans agree); fractions allowed"),
        ("repository-poll-marker", "(none)", "Poll mode: a version folder counts only once it holds a file of this name (write it last); empty = no marker"),
        ("control-token-file", "(none)", "File holding the bearer token control calls must carry (or set INFERENCE_SERVER_CONTROL_TOKEN); without one, control calls are refused"),
        ("inference-token-file", "(none)", "File holding a bearer token inference and metadata calls must carry (or set INFERENCE_SERVER_INFERENCE_TOKEN); health and metrics stay open"),
        ("load-model", "(none)", "Explicit mode: a model to load at start-up; repeat the flag for more; * loads all"),
        ("pinned-memory-pool-byte-size", "268435456", "Byte budget of the pinned tensor pool; rents beyond it fall back to plain allocations (counted)"),
        ("pinned-memory-pool-debug", "false", "Record where each pinned buffer is rented (leak reports) and throw on a double return; slower"),
        ("cuda-memory-pool-byte-size", "<gpu>:67108864", "<gpu>:<bytes>: byte budget of that GPU's device-memory pool (repeat per GPU; rents beyond it allocate from the device, counted)"),
        ("gpus", "true", "Use the machine's NVIDIA GPUs when the CUDA driver is found; false runs everything on the CPU (KIND_GPU models then fail to load, or fall back per gpu_fallback_to_cpu)"),
    ];

    /// <summary>Parses; on a bad flag or value returns null and sets <paramref name="error"/>.</summary>
    public static ServerOptions? Read(string[] args, IConfiguration environmentAndFile, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var loadModels = new List<string>();
        var cudaPools = new Dictionary<int, long>();
        foreach (var (name, _, _) in Flags)
        {
            var key = name.Replace("-", "", StringComparison.Ordinal);
            var fromFile = environmentAndFile[key];
            var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentPrefix + name.Replace('-', '_').ToUpperInvariant());
            if (fromEnvironment is not null)
            {
                values[name] = fromEnvironment;
            }
            else if (fromFile is not null)
            {
                values[name] = fromFile;
            }
        }

        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'; flags look like --name=value (see --help)";
                return null;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? arg[2..] : arg[2..eq];
            if (name == "model-store")
            {
                name = "model-repository";
            }

            if (!Array.Exists(Flags, f => f.Name == name))
            {
                error = $"unknown flag '--{name}' (see --help)";
                return null;
            }

            string value;
            if (eq >= 0)
            {
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                value = "true";
            }

            if (name == "load-model")
            {
                loadModels.Add(value);
                continue;
            }

            if (name == "cuda-memory-pool-byte-size")
            {
                if (!TryCudaPool(value, cudaPools, out error))
                {
                    return null;
                }

                continue;
            }

            values[name] = value;
        }

        // From the environment or the settings file: one <gpu>:<bytes> value; flags on the command line win.
        if (values.Remove("cuda-memory-pool-byte-size", out var configuredPool) && cudaPools.Count == 0 && !TryCudaPool(configuredPool, cudaPools, out error))
        {
            return null;
        }

        var options = new ServerOptions();
        try
        {
            foreach (var (name, value) in values)
            {
                Apply(options, name, value);
            }
        }
        catch (FormatException ex)
        {
            error = ex.Message;
            return null;
        }

        if (options.ModelRepository.Length == 0)
        {
            error = "--model-repository is required";
            return null;
        }

        if (options.ModelControlMode is not ("none" or "poll" or "explicit"))
        {
            error = $"--model-control-mode={options.ModelControlMode} is not a mode; use none, poll or explicit";
            return null;
        }

        if (options.RepositoryPollMarker.Length > 0 && (options.RepositoryPollMarker.IndexOfAny(['/', '\\']) >= 0 || options.RepositoryPollMarker is "." or ".."))
        {
            error = $"--repository-poll-marker must be a file name, got '{options.RepositoryPollMarker}'";
            return null;
        }

        if (loadModels.Count > 0 && options.ModelControlMode != "explicit")
        {
            error = "--load-model applies only with --model-control-mode=explicit";
            return null;
        }

        error = options.HttpTls.Check("http") ?? options.GrpcTls.Check("grpc")
            ?? (options.GrpcUseSsl && !options.GrpcTls.Enabled ? "--grpc-use-ssl needs --grpc-server-cert and --grpc-server-key" : null);
        if (error is not null)
        {
            return null;
        }

        options.LoadModels = loadModels;
        options.CudaMemoryPoolByteSize = cudaPools;
        options.ControlToken = ReadToken("control-token-file", options.ControlTokenFile, "CONTROL_TOKEN", out error);
        options.InferenceToken = error is null ? ReadToken("inference-token-file", options.InferenceTokenFile, "INFERENCE_TOKEN", out error) : null;
        if (error is not null)
        {
            return null;
        }

        return options;
    }

    /// <summary>Triton's form: <c>--cuda-memory-pool-byte-size=&lt;GPU ordinal&gt;:&lt;bytes&gt;</c>.</summary>
    private static bool TryCudaPool(string value, Dictionary<int, long> pools, out string? error)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && int.TryParse(value.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var gpu)
            && long.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            pools[gpu] = bytes;
            error = null;
            return true;
        }

        error = $"--cuda-memory-pool-byte-size must be <gpu>:<bytes> (e.g. 0:67108864), got '{value}'";
        return false;
    }

    // The file wins over the environment variable; its content is trimmed and must not be empty.
    private static string? ReadToken(string flag, string file, string variable, out string? error)
    {
        error = null;
        if (file.Length == 0)
        {
            return Environment.GetEnvironmentVariable(EnvironmentPrefix + variable);
        }

        string token;
        try
        {
            token = File.ReadAllText(file).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error = $"--{flag}: cannot read '{file}': {ex.Message}";
            return null;
        }

        if (token.Length == 0)
        {
            error = $"--{flag}: '{file}' is empty";
            return null;
        }

        return token;
    }

    private static void Apply(ServerOptions options, string name, string value)
    {
        switch (name)
        {
            case "model-repository": options.ModelRepository = value; break;
            case "address": options.Address = value; break;
            case "http-port": options.HttpPort = Port(name, value); break;
            case "grpc-port": options.GrpcPort = Port(name, value); break;
            case "metrics-port": options.MetricsPort = Port(name, value); break;
            case "allow-http": options.AllowHttp = Bool(name, value); break;
            case "allow-grpc": options.AllowGrpc = Bool(name, value); break;
            case "allow-metrics": options.AllowMetrics = Bool(name, value); break;
            case "allow-metrics-on-http-port": options.AllowMetricsOnHttpPort = Bool(name, value); break;
            case "telemetry-sketches": options.TelemetrySketches = Bool(name, value); break;
            case "strict-readiness": options.StrictReadiness = Bool(name, value); break;
            case "exit-on-error": options.ExitOnError = Bool(name, value); break;
            case "exit-timeout-secs": options.ExitTimeout = TimeSpan.FromSeconds(Number(name, value, 0, 86_400)); break;
            case "shutdown-grace-secs": options.ShutdownGrace = value == "0" ? TimeSpan.Zero : Seconds(name, value); break;
            case "log-verbose": options.LogVerbose = (int)Number(name, value, 0, int.MaxValue); break;
            case "log-info": options.LogInfo = Bool(name, value); break;
            case "log-warning": options.LogWarning = Bool(name, value); break;
            case "log-error": options.LogError = Bool(name, value); break;
            case "http-max-input-size": options.HttpMaxInputSize = Number(name, value, 1, long.MaxValue); break;
            case "grpc-max-message-size": options.GrpcMaxMessageSize = (int)Number(name, value, 1, int.MaxValue); break;
            case "http-max-header-size": options.HttpMaxHeaderSize = (int)Number(name, value, 1024, int.MaxValue); break;
            case "http-server-cert": options.HttpTls.CertificateFile = value; break;
            case "http-server-key": options.HttpTls.KeyFile = value; break;
            case "http-root-cert": options.HttpTls.RootCertificateFile = value; break;
            case "http-use-ssl-mutual": options.HttpTls.RequireClientCertificate = Bool(name, value); break;
            case "grpc-use-ssl": options.GrpcUseSsl = Bool(name, value); break;
            case "grpc-server-cert": options.GrpcTls.CertificateFile = value; break;
            case "grpc-server-key": options.GrpcTls.KeyFile = value; break;
            case "grpc-root-cert": options.GrpcTls.RootCertificateFile = value; break;
            case "grpc-use-ssl-mutual": options.GrpcTls.RequireClientCertificate = Bool(name, value); break;
            case "model-control-mode": options.ModelControlMode = value; break;
            case "control-token-file": options.ControlTokenFile = value; break;
            case "inference-token-file": options.InferenceTokenFile = value; break;
            case "repository-poll-secs": options.RepositoryPollInterval = Seconds(name, value); break;
            case "repository-poll-marker": options.RepositoryPollMarker = value; break;
            case "pinned-memory-pool-byte-size": options.PinnedMemoryPoolByteSize = Number(name, value, 0, long.MaxValue); break;
            case "pinned-memory-pool-debug": options.PinnedMemoryPoolDebug = Bool(name, value); break;
            case "gpus": options.UseGpus = Bool(name, value); break;
        }
    }

    private static int Port(string name, string value) => (int)Number(name, value, 0, 65535);

    private static long Number(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"--{name} must be an integer in [{min}, {max}], got '{value}'");

    private static TimeSpan Seconds(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0.001 && seconds <= 86_400
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"--{name} must be a number of seconds in [0.001, 86400], got '{value}'");

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "yes" or "on" => true,
        "false" or "0" or "no" or "off" => false,
        _ => throw new FormatException($"--{name} must be true or false, got '{value}'"),
    };

    public static string Help()
    {
        var lines = new List<string>
        {
            "Usage: inference-server --model-repository=<path> [flags]",
            "",
            "A KServe v2 / Triton-compatible inference server for ONNX models.",
            "",
            "Flags (--name=value or --name value; a bare boolean flag means true):",
        };
        foreach (var (name, defaultValue, help) in Flags)
        {
            lines.Add($"  --{name,-30} {help} (default: {defaultValue})");
        }

        lines.Add("");
        lines.Add($"Every flag can also be set with the environment variable {EnvironmentPrefix}<FLAG> (upper case, '_' for '-'),");
        lines.Add("or in appsettings.json beside the binary with the flag name without dashes as the key.");
        return string.Join(Environment.NewLine, lines);
    }
}
