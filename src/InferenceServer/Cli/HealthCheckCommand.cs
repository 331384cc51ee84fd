namespace InferenceServer.Cli;

/// <summary>
/// <c>inference-server health [--url http://127.0.0.1:8000/v2/health/ready] [--insecure]</c>: exits 0 when the URL
/// answers 200 within 3 s, else 1. For container health checks on minimal images that have no curl
/// (<c>HEALTHCHECK CMD ["/app/inference-server", "health"]</c>). <c>--insecure</c> skips certificate checks, for
/// probing the server's own HTTPS port on loopback where its certificate names the public host.
/// </summary>
internal static class HealthCheckCommand
{
    public const string Name = "health";
    public const string DefaultUrl = "http://127.0.0.1:8000/v2/health/ready";

    public static async Task<int> RunAsync(string[] args)
    {
        var insecure = args.Contains("--insecure");
        var rest = args.Where(a => a != "--insecure").ToArray();
        var url = rest is ["--url", var given] ? given : rest.Length == 0 ? DefaultUrl : null;
        if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            Console.Error.WriteLine($"usage: inference-server {Name} [--url {DefaultUrl}] [--insecure]");
            return 2;
        }

        try
        {
            var handler = new SocketsHttpHandler();
            if (insecure)
            {
#pragma warning disable CA5359 // Asked for explicitly, to probe our own listener on loopback.
                handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
            }

            using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
            using var response = await http.GetAsync(uri).ConfigureAwait(false);
            Console.WriteLine($"{uri}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"{uri}: {ex.Message}");
            return 1;
        }
    }
}
