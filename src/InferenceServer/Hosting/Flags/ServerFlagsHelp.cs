namespace InferenceServer.Hosting.Flags;

/// <summary>The <c>--help</c> text, printed from the flag table.</summary>
internal static class ServerFlagsHelp
{
    private const int NameWidth = 30;

    public static string Text()
    {
        var lines = new List<string>
        {
            "Usage: inference-server --model-repository=<path> [flags]",
            "",
            "A KServe v2 / Triton-compatible inference server for ONNX models.",
            "",
            "Flags (--name=value or --name value; a bare boolean flag means true):",
        };
        foreach (var flag in ServerFlags.All)
        {
            lines.Add($"  --{flag.Name,-NameWidth} {Line(flag)}");
        }

        lines.Add("");
        lines.Add($"Every flag can also be set with the environment variable {FlagDefinition.EnvironmentPrefix}<FLAG> (upper case, '_' for '-'),");
        lines.Add("or in appsettings.json beside the binary with the flag name without dashes as the key.");
        lines.Add("The command line wins over the environment, which wins over appsettings.json.");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Help, aliases, then the default and what is accepted: "HTTP/REST port (default: 8000; an integer in [0, 65535])".</summary>
    private static string Line(FlagDefinition flag)
    {
        var aliases = flag.Aliases.Count == 0 ? "" : ". Alias: " + string.Join(", ", flag.Aliases.Select(a => "--" + a));
        var accepts = flag.Accepts is null ? "" : "; " + flag.Accepts;
        var repeat = flag.Repeatable ? "; repeatable" : "";
        return flag.Required
            ? $"{flag.Help}{aliases} (required{accepts})"
            : $"{flag.Help}{aliases} (default: {flag.DefaultText}{accepts}{repeat})";
    }
}
