using System.Text.RegularExpressions;
using InferenceServer.Cli;
using InferenceServer.Hosting;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// Checks the Dockerfile against the server and CI, without a container engine: the published binary comes from
/// the publish step CI runs, the image exposes the server's default ports, its health check calls a readiness
/// route on the default HTTP port, its entrypoint flags parse, it runs as a non-root numeric user, and the GPU
/// flavor's ONNX Runtime and base image fit the build.
/// </summary>
internal static partial class DockerfileChecks
{
    public const string BuildOutput = "/app";
    private const string PublishScript = ".ci/publish.sh";
    private const string Where = "Dockerfile";

    public static ImageFacts Facts(DockerfileModel file)
    {
        var final = file.Final;
        var entrypoint = DockerfileModel.Stage.ExecForm(final.Last("ENTRYPOINT")) ?? [];
        var user = final.Last("USER") is { } u ? final.Resolve(u, file) : null;
        int? uid = user is not null && int.TryParse(user.Split(':')[0], out var id) ? id : null;
        return new ImageFacts(entrypoint, uid);
    }

    /// <param name="ciRun">The text of .ci/run.</param>
    /// <param name="publishScript">The text of .ci/publish.sh.</param>
    /// <param name="packagesProps">The text of Directory.Packages.props.</param>
    public static Findings Check(DockerfileModel file, string ciRun, string publishScript, string packagesProps)
    {
        var findings = new Findings();
        CheckPublish(file, ciRun, publishScript, findings);
        CheckFlavors(file, packagesProps, findings);
        CheckRuntime(file, findings);
        return findings;
    }

    // The image's binary is what .ci/publish.sh produces, and CI publishes with the same command.
    private static void CheckPublish(DockerfileModel file, string ciRun, string publishScript, Findings findings)
    {
        var build = file.Stages.Find(s => s.All("RUN").Any(r => PublishRun().IsMatch(r)));
        if (build is null)
        {
            findings.Problem(Where, $"no stage runs {PublishScript} {BuildOutput} (the publish step CI runs)");
        }
        else if (!build.From.StartsWith("mcr.microsoft.com/dotnet/sdk:", StringComparison.Ordinal))
        {
            findings.Problem(Where, $"the publish stage starts from {build.From}, not the .NET SDK image");
        }

        var scriptCommand = PublishCommand(publishScript);
        if (scriptCommand is null)
        {
            findings.Problem(PublishScript, "has no 'dotnet publish' line");
            return;
        }

        var ciUsesScript = CodeLines(ciRun).Any(l => l.Contains(PublishScript, StringComparison.Ordinal));
        var ciCommand = PublishCommand(ciRun);
        if (!ciUsesScript && ciCommand is null)
        {
            findings.Problem(".ci/run", $"neither runs {PublishScript} nor has a 'dotnet publish' line");
        }
        else if (!ciUsesScript && !ciCommand!.SequenceEqual(scriptCommand))
        {
            findings.Problem(".ci/run", $"publishes with '{string.Join(' ', ciCommand!)}' but the image with '{string.Join(' ', scriptCommand)}'");
        }
    }

    // FLAVOR picks runtime-cpu or runtime-gpu; the GPU ONNX Runtime matches the managed package; every runtime
    // base is the Ubuntu release the binary was linked on (an older glibc would not load it).
    private static void CheckFlavors(DockerfileModel file, string packagesProps, Findings findings)
    {
        if (file.GlobalArgs.GetValueOrDefault("FLAVOR") != "cpu")
        {
            findings.Problem(Where, "ARG FLAVOR must default to cpu");
        }

        if (file.Final.FromAsWritten != "runtime-${FLAVOR}")
        {
            findings.Problem(Where, $"the final stage starts from {file.Final.FromAsWritten}, not runtime-${{FLAVOR}}");
        }

        var build = file.Stages.Find(s => s.All("RUN").Any(r => PublishRun().IsMatch(r)));
        var buildRelease = build is null ? null : UbuntuRelease(build.From);
        foreach (var flavor in new[] { "cpu", "gpu" })
        {
            var stage = file[$"runtime-{flavor}"];
            if (stage is null)
            {
                findings.Problem(Where, $"no stage runtime-{flavor}");
                continue;
            }

            if (UbuntuRelease(stage.From) is not { } release || release != buildRelease)
            {
                findings.Problem(Where, $"runtime-{flavor} starts from {stage.From}: not the Ubuntu release of the build stage ({buildRelease ?? "unknown"})");
            }

            var copies = stage.All("COPY").ToList();
            if (!copies.Any(c => c.StartsWith($"--from={build?.Name} ", StringComparison.Ordinal) && c.Contains($"{BuildOutput}/inference-server", StringComparison.Ordinal)))
            {
                findings.Problem(Where, $"runtime-{flavor} does not copy {BuildOutput}/inference-server from the publish stage");
            }

            if (!copies.Any(c => c.Contains("libonnxruntime.so", StringComparison.Ordinal) || c.StartsWith("--from=onnxruntime-gpu ", StringComparison.Ordinal)))
            {
                findings.Problem(Where, $"runtime-{flavor} copies no libonnxruntime.so");
            }
        }

        var gpuRuntime = file["onnxruntime-gpu"];
        if (gpuRuntime is null || !gpuRuntime.All("RUN").Any(r => r.Contains("libonnxruntime_providers_cuda.so", StringComparison.Ordinal)))
        {
            findings.Problem(Where, "no onnxruntime-gpu stage fetching libonnxruntime_providers_cuda.so");
            return;
        }

        if (file["runtime-gpu"] is { } gpu && !gpu.All("COPY").Any(c => c.StartsWith("--from=onnxruntime-gpu ", StringComparison.Ordinal)))
        {
            findings.Problem(Where, "runtime-gpu does not copy the onnxruntime-gpu stage's libraries");
        }

        var gpuVersion = gpuRuntime.All("ARG").Select(a => OrtGpuVersionArg().Match(a)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        var cpuVersion = OrtPackageVersion().Match(packagesProps) is { Success: true } p ? p.Groups[1].Value : null;
        var flavourVersion = OrtGpuPackageVersion().Match(packagesProps) is { Success: true } g ? g.Groups[1].Value : null;
        if (gpuVersion is null || cpuVersion is null || gpuVersion != cpuVersion)
        {
            findings.Problem(Where, $"ONNXRUNTIME_GPU_VERSION {gpuVersion ?? "(none)"} is not the release of Microsoft.ML.OnnxRuntime {cpuVersion ?? "(none)"} (the C API slots the server calls are per release)");
        }

        if (flavourVersion != cpuVersion)
        {
            findings.Problem("Directory.Packages.props", $"Microsoft.ML.OnnxRuntime.Gpu.Linux {flavourVersion ?? "(none)"} (the OnnxRuntimeFlavor=gpu publish) is not the release of Microsoft.ML.OnnxRuntime {cpuVersion ?? "(none)"}");
        }
    }

    // The final stage: ports, health check, stop signal, user, entrypoint and models.
    private static void CheckRuntime(DockerfileModel file, Findings findings)
    {
        var final = file.Final;
        var defaults = new ServerOptions();
        var exposed = final.All("EXPOSE").SelectMany(e => e.Split(' ')).Select(p => p.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        var expected = new[] { defaults.HttpPort, defaults.GrpcPort, defaults.MetricsPort }.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
        if (!exposed.SetEquals(expected))
        {
            findings.Problem(Where, $"EXPOSE {string.Join(' ', exposed)}, but the server listens on {string.Join(' ', expected)} by default");
        }

        CheckHealthCheck(final, defaults, findings);
        if (final.Last("STOPSIGNAL") != "SIGTERM")
        {
            findings.Problem(Where, "STOPSIGNAL must be SIGTERM (the signal the server drains on)");
        }

        var facts = Facts(file);
        if (facts.Uid is not > 0)
        {
            findings.Problem(Where, $"USER must be a numeric id other than root (Kubernetes' runAsNonRoot checks it), got '{final.Last("USER")}'");
        }

        if (facts.Entrypoint.Count == 0 || facts.Entrypoint[0] != ServerInvocation.Binary)
        {
            findings.Problem(Where, $"ENTRYPOINT must be the exec form starting {ServerInvocation.Binary}");
            return;
        }

        var invocation = ServerInvocation.Parse(facts.Entrypoint.Skip(1).ToList());
        if (invocation.Options is null)
        {
            findings.Problem(Where, $"ENTRYPOINT flags: {invocation.Error}");
            return;
        }

        var repository = invocation.Options.ModelRepository;
        if (!final.All("COPY").Any(c => c.EndsWith(" " + repository, StringComparison.Ordinal)))
        {
            findings.Problem(Where, $"the entrypoint serves {repository}, but nothing is copied there");
        }
    }

    private static void CheckHealthCheck(DockerfileModel.Stage final, ServerOptions defaults, Findings findings)
    {
        var healthCheck = final.Last("HEALTHCHECK");
        var cmd = healthCheck?.IndexOf("CMD ", StringComparison.Ordinal) ?? -1;
        var argv = cmd < 0 ? null : DockerfileModel.Stage.ExecForm(healthCheck![(cmd + 4)..]);
        if (argv is null || argv.Count < 2 || argv[0] != ServerInvocation.Binary || argv[1] != HealthCheckCommand.Name)
        {
            findings.Problem(Where, $"HEALTHCHECK must run [\"{ServerInvocation.Binary}\", \"{HealthCheckCommand.Name}\"] (the image has no curl)");
            return;
        }

        var url = new Uri(argv is [_, _, "--url", var given] ? given : HealthCheckCommand.DefaultUrl);
        if (url.Port != defaults.HttpPort)
        {
            findings.Problem(Where, $"HEALTHCHECK calls port {url.Port}, but the entrypoint's HTTP port is {defaults.HttpPort}");
        }

        if (url.AbsolutePath != "/v2/health/ready")
        {
            findings.Problem(Where, $"HEALTHCHECK calls {url.AbsolutePath}, not the readiness route");
        }

        findings.Endpoints.Add(new ServerEndpoint(Listener.Http, url.AbsolutePath, $"{Where} HEALTHCHECK"));
    }

    /// <summary>The first 'dotnet publish' command of a shell script as words, without its output folder (-o X).</summary>
    private static List<string>? PublishCommand(string script)
    {
        var line = CodeLines(script).FirstOrDefault(l => l.TrimStart().StartsWith("dotnet publish ", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(w => w is not ("|" or "2>&1" or "&&" or ";" or ">")).ToList();
        var output = words.IndexOf("-o");
        if (output >= 0)
        {
            words.RemoveRange(output, Math.Min(2, words.Count - output));
        }

        // The ONNX Runtime flavour (CPU unless ONNXRUNTIME_FLAVOR=gpu) picks the native libraries laid beside the same
        // binary, not how it is built, so it does not make two publishes differ.
        words.RemoveAll(w => w.StartsWith("-p:OnnxRuntimeFlavor=", StringComparison.Ordinal));
        return words;
    }

    private static IEnumerable<string> CodeLines(string script) =>
        script.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));

    /// <summary>Ubuntu's version for an image name that says it (noble, ubuntu24.04, ...); null otherwise.</summary>
    private static string? UbuntuRelease(string image) =>
        image.Contains("noble", StringComparison.Ordinal) || image.Contains("ubuntu24.04", StringComparison.Ordinal) ? "24.04"
        : image.Contains("jammy", StringComparison.Ordinal) || image.Contains("ubuntu22.04", StringComparison.Ordinal) ? "22.04"
        : image.Contains("focal", StringComparison.Ordinal) || image.Contains("ubuntu20.04", StringComparison.Ordinal) ? "20.04"
        : null;

    [GeneratedRegex(@"^(bash\s+)?\.ci/publish\.sh\s+/app$")]
    private static partial Regex PublishRun();

    [GeneratedRegex(@"^ONNXRUNTIME_GPU_VERSION=(\S+)$")]
    private static partial Regex OrtGpuVersionArg();

    [GeneratedRegex("<PackageVersion Include=\"Microsoft\\.ML\\.OnnxRuntime\" Version=\"([^\"]+)\"")]
    private static partial Regex OrtPackageVersion();

    [GeneratedRegex("<PackageVersion Include=\"Microsoft\\.ML\\.OnnxRuntime\\.Gpu\\.Linux\" Version=\"([^\"]+)\"")]
    private static partial Regex OrtGpuPackageVersion();
}
