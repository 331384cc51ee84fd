using System.Diagnostics;

namespace InferenceServer.FunctionalTests.Perf;

/// <summary>
/// The real Chromium (Debian package <c>chromium</c>; tests/run.sh installs it) in headless mode, to load a page
/// from disk and hand back the DOM after its scripts ran. No network: the page must be self-contained anyway.
/// </summary>
internal static class HeadlessChromium
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static string Executable() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("chromium was not found; tests/run.sh installs it (Debian: apt-get install chromium)");

    /// <summary>The page's DOM as serialized after load (inline scripts have run by then).</summary>
    public static async Task<string> DumpDomAsync(string htmlFile)
    {
        var (output, _) = await RunAsync("--dump-dom", new Uri(htmlFile).AbsoluteUri);
        return output;
    }

    private static async Task<(string Output, string Errors)> RunAsync(params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile").FullName;
        try
        {
            var start = new ProcessStartInfo(Executable())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };

            // Root in a container has no user namespace sandbox; the page is our own file.
            foreach (var argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", $"--user-data-dir={profile}", .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within {Limit}: {await errors}");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {await errors}");
            }

            return (await output, await errors);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
