namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// The Dockerfile agrees with the server and with CI (no container engine here, so it is read, not built), and
/// each check fails on the mistake it exists for.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>The checks on the checkout's Dockerfile (after <paramref name="change"/>) and CI files (.ci/run replaced by <paramref name="ciRun"/>).</summary>
    internal static Findings CheckReal(Func<string, string>? change = null, string? ciRun = null) =>
        DockerfileChecks.Check(
            DockerfileModel.Parse((change ?? (t => t))(DeployFiles.Read("Dockerfile"))),
            ciRun ?? DeployFiles.Read(".ci/run"),
            DeployFiles.Read(".ci/publish.sh"),
            DeployFiles.Read("Directory.Packages.props"));

    [Fact]
    public void Dockerfile_AgreesWithTheServerAndCi()
    {
        var findings = CheckReal();

        Assert.True(findings.Problems.Count == 0, findings.ToString());
        Assert.Contains(findings.Endpoints, e => e.Path == ContainerChecks.ReadyPath);
    }

    [Fact]
    public void GpuPublishFlavour_OfAnotherOnnxRuntimeRelease_IsReported()
    {
        var props = DeployFiles.Read("Directory.Packages.props");
        var gpuLine = props.Split('\n').Single(l => l.Contains("\"Microsoft.ML.OnnxRuntime.Gpu.Linux\"", StringComparison.Ordinal));

        var findings = DockerfileChecks.Check(
            DockerfileModel.Parse(DeployFiles.Read("Dockerfile")),
            DeployFiles.Read(".ci/run"),
            DeployFiles.Read(".ci/publish.sh"),
            props.Replace(gpuLine, "    <PackageVersion Include=\"Microsoft.ML.OnnxRuntime.Gpu.Linux\" Version=\"1.30.0\" />", StringComparison.Ordinal));

        Assert.Contains(findings.Problems, p => p.Contains("Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 (the OnnxRuntimeFlavor=gpu publish) is not the release", StringComparison.Ordinal));
    }

    [Fact]
    public void Dockerfile_FlavorsShareTheFinalStage()
    {
        var file = DockerfileModel.Parse(DeployFiles.Read("Dockerfile"));

        Assert.Equal("runtime-cpu", file.Final.From);
        Assert.Equal("nvidia/cuda", file["runtime-gpu"]!.From.Split(':')[0]);
        Assert.Equal(1654, DockerfileChecks.Facts(file).Uid);
    }

    [Theory]
    [InlineData("EXPOSE 8000 8001 8002", "EXPOSE 8000 8001", "EXPOSE 8000 8001, but the server listens on")]
    [InlineData("--model-repository=/models\"]", "--model-repositry=/models\"]", "unknown flag '--model-repositry'")]
    [InlineData("--model-repository=/models\"]", "--model-repository=/srv/models\"]", "nothing is copied there")]
    [InlineData("\"health\"]", "\"health\", \"--url\", \"http://127.0.0.1:8080/v2/health/ready\"]", "HEALTHCHECK calls port 8080")]
    [InlineData("\"health\"]", "\"health\", \"--url\", \"http://127.0.0.1:8000/v2/health/live\"]", "not the readiness route")]
    [InlineData("STOPSIGNAL SIGTERM", "STOPSIGNAL SIGKILL", "STOPSIGNAL must be SIGTERM")]
    [InlineData("USER ${APP_UID}:${APP_UID}", "USER app", "USER must be a numeric id")]
    [InlineData("RUN .ci/publish.sh /app", "RUN dotnet publish src/InferenceServer -c Release -r linux-x64 -o /app", "no stage runs .ci/publish.sh")]
    [InlineData("ARG ONNXRUNTIME_GPU_VERSION=1.32.0", "ARG ONNXRUNTIME_GPU_VERSION=1.31.0", "is not the release of Microsoft.ML.OnnxRuntime")]
    [InlineData("cudnn-runtime-ubuntu24.04", "cudnn-runtime-ubuntu22.04", "runtime-gpu starts from nvidia/cuda:13.0.2-cudnn-runtime-ubuntu22.04: not the Ubuntu release")]
    [InlineData("libonnxruntime_providers_cuda.so\" /ort/", "\" /ort/", "no onnxruntime-gpu stage fetching libonnxruntime_providers_cuda.so")]
    [InlineData("FROM runtime-${FLAVOR} AS runtime", "FROM runtime-cpu AS runtime", "not runtime-${FLAVOR}")]
    public void Dockerfile_Mistake_IsReported(string original, string mistake, string expected)
    {
        Assert.Contains(original, DeployFiles.Read("Dockerfile"), StringComparison.Ordinal);

        var findings = CheckReal(text => text.Replace(original, mistake, StringComparison.Ordinal));

        Assert.Contains(findings.Problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dotnet publish src/InferenceServer -c Release -r linux-x64 -o artifacts/aot 2>&1 | tee log", true)]
    [InlineData(".ci/publish.sh artifacts/aot", true)]
    [InlineData("dotnet publish src/InferenceServer -c Debug -r linux-x64 -o artifacts/aot", false)]
    [InlineData("dotnet publish src/InferenceServer -c Release -r linux-arm64 -o artifacts/aot", false)]
    [InlineData("dotnet build InferenceServer.sln -c Release", false)]
    public void CiPublish_MustBeTheImagesPublish(string ciLine, bool agrees)
    {
        var findings = CheckReal(ciRun: $"#!/usr/bin/env bash\nset -euo pipefail\n{ciLine}\n");

        Assert.Equal(agrees, !findings.Problems.Exists(p => p.StartsWith(".ci/run", StringComparison.Ordinal)));
    }
}
