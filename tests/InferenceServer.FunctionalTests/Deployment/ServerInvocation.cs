using InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// The server's command line as a manifest or the Dockerfile starts it, read by the server's own option parser
/// (<see cref="ServerOptionsReader"/>), so a flag the server does not accept, or a bad value, is an error here
/// exactly as it would be at start-up.
/// </summary>
internal sealed record ServerInvocation(ServerOptions? Options, string? Error, string? ControlTokenFile)
{
    public const string Binary = "/app/inference-server";

    private const string TokenFlag = "--control-token-file";

    /// <summary>Parses the arguments after the executable.</summary>
    public static ServerInvocation Parse(IReadOnlyList<string> arguments)
    {
        // The token file lives in the pod, not here: parse against a stand-in holding a token, and report the
        // path the manifest names so the checks can match it with the Secret's mount.
        string? tokenFile = null;
        var standIn = Path.GetTempFileName();
        try
        {
            File.WriteAllText(standIn, "token-for-the-manifest-check");
            var args = new string[arguments.Count];
            for (var i = 0; i < arguments.Count; i++)
            {
                args[i] = arguments[i];
                if (arguments[i].StartsWith(TokenFlag + "=", StringComparison.Ordinal))
                {
                    tokenFile = arguments[i][(TokenFlag.Length + 1)..];
                    args[i] = $"{TokenFlag}={standIn}";
                }
                else if (arguments[i] == TokenFlag && i + 1 < arguments.Count)
                {
                    tokenFile = arguments[i + 1];
                    args[i] = TokenFlag;
                    args[++i] = standIn;
                }
            }

            var options = ServerOptionsReader.Read(args, new ConfigurationBuilder().Build(), out var error);
            return new ServerInvocation(options, error, tokenFile);
        }
        finally
        {
            File.Delete(standIn);
        }
    }

    /// <summary>
    /// What a container runs: its command and args, or (without a command) the image's entrypoint followed by
    /// its args, as Kubernetes does. An invocation with an error when it does not start the server binary.
    /// </summary>
    public static ServerInvocation FromContainer(Dictionary<string, object?> container, IReadOnlyList<string> imageEntrypoint)
    {
        var command = YamlTree.Texts(container, "command");
        var argv = (command.Count > 0 ? command : imageEntrypoint).Concat(YamlTree.Texts(container, "args")).ToList();
        return argv.Count == 0 || argv[0] != Binary
            ? new ServerInvocation(null, $"the container runs '{string.Join(' ', argv)}', not {Binary}", null)
            : Parse(argv[1..]);
    }
}
