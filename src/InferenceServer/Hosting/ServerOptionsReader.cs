using InferenceServer.Core.Models.Repository;
using InferenceServer.Hosting.Flags;

namespace InferenceServer.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> from tritonserver-style arguments (<c>--flag=value</c>, <c>--flag value</c>, a
/// bare boolean flag means true), the environment and appsettings.json, by the table in <see cref="ServerFlags"/>.
/// Written by hand (no reflection binder) so it stays native-AOT clean and every error names the flag.
/// </summary>
internal static class ServerOptionsReader
{
    /// <summary>Parses with the process's environment; on a bad flag or value returns null and sets <paramref name="error"/>.</summary>
    /// <param name="settingsFile">appsettings.json beside the binary (keys: <see cref="FlagDefinition.SettingsKey"/>).</param>
    public static ServerOptions? Read(string[] args, IConfiguration settingsFile, out string? error) =>
        Read(args, settingsFile, Environment.GetEnvironmentVariable, out error);

    /// <summary>Parses; on a bad flag or value returns null and sets <paramref name="error"/>.</summary>
    /// <param name="environment">Looks up an environment variable (tests pass their own, the process's is shared).</param>
    public static ServerOptions? Read(string[] args, IConfiguration settingsFile, Func<string, string?> environment, out string? error)
    {
        var given = ReadCommandLine(args, out error);
        if (given is null)
        {
            return null;
        }

        var options = new ServerOptions();
        foreach (var flag in ServerFlags.All)
        {
            // The command line wins over the environment, which wins over the file; each of those gives one value.
            if (given.TryGetValue(flag, out var onCommandLine))
            {
                foreach (var value in flag.Repeatable ? onCommandLine : [onCommandLine[^1]])
                {
                    error = flag.Apply(options, value);
                    if (error is not null)
                    {
                        return null;
                    }
                }
            }
            else if (environment(flag.EnvironmentVariable) is { } fromEnvironment)
            {
                error = flag.Apply(options, fromEnvironment) is { } bad ? $"{bad} (from {flag.EnvironmentVariable})" : null;
            }
            else if (settingsFile[flag.SettingsKey] is { } fromFile)
            {
                error = flag.Apply(options, fromFile) is { } bad ? $"{bad} (from \"{flag.SettingsKey}\" in appsettings.json)" : null;
            }

            if (error is not null)
            {
                return null;
            }
        }

        error = CheckCombination(options);
        if (error is not null)
        {
            return null;
        }

        options.ControlToken = ReadToken(ServerFlags.ControlTokenFile.Name, options.ControlTokenFile, ServerFlags.ControlTokenVariable, environment, out error);
        options.InferenceToken = error is null
            ? ReadToken(ServerFlags.InferenceTokenFile.Name, options.InferenceTokenFile, ServerFlags.InferenceTokenVariable, environment, out error)
            : null;
        return error is null ? options : null;
    }

    /// <summary>The values each flag is given on the command line, in order; null (and the error) for an argument that is no flag.</summary>
    private static Dictionary<FlagDefinition, List<string>>? ReadCommandLine(string[] args, out string? error)
    {
        error = null;
        var given = new Dictionary<FlagDefinition, List<string>>();
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
            if (ServerFlags.Find(name) is not { } flag)
            {
                error = $"unknown flag '--{name}' (see --help)";
                return null;
            }

            var value = eq >= 0 ? arg[(eq + 1)..]
                : i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i]
                : "true";
            if (!given.TryGetValue(flag, out var values))
            {
                given[flag] = values = [];
            }

            values.Add(value);
        }

        return given;
    }

    /// <summary>Rules across flags, once each value is known to be good on its own.</summary>
    private static string? CheckCombination(ServerOptions options)
    {
        foreach (var flag in ServerFlags.All)
        {
            if (flag.Required && flag.HoldsDefault(options))
            {
                return $"--{flag.Name} is required";
            }
        }

        if (options.LoadModels.Count > 0 && options.ModelControlMode != ModelControlMode.Explicit)
        {
            return $"--{ServerFlags.LoadModel.Name} applies only with --{ServerFlags.ModelControlMode.Name}={ModelControlMode.Explicit.ToName()}";
        }

        if (Core.Tracing.TraceConfig.TryBuild(options.TraceConfig, out _, out _) is { } trace)
        {
            return trace;
        }

        if (Core.Caching.ResponseCacheConfig.TryBuild(options.CacheConfig, out _) is { } cache)
        {
            return cache;
        }

        if (options.CaptureModel.Length > 0 && options.CaptureFile.Length == 0)
        {
            return $"--{ServerFlags.CaptureModel.Name} needs --{ServerFlags.CaptureFile.Name}";
        }

        return options.HttpTls.Check("http") ?? options.GrpcTls.Check("grpc")
            ?? (options.GrpcUseSsl && !options.GrpcTls.Enabled ? "--grpc-use-ssl needs --grpc-server-cert and --grpc-server-key" : null);
    }

    // The file wins over the environment variable; its content is trimmed and must not be empty.
    private static string? ReadToken(string flag, string file, string variable, Func<string, string?> environment, out string? error)
    {
        error = null;
        if (file.Length == 0)
        {
            return environment(variable);
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
}
