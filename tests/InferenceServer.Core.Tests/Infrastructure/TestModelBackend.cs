using System.Collections.Concurrent;
using Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>
/// A backend for repository tests: serves configs with <c>backend: "test"</c>; a version folder holding
/// <see cref="FailMarker"/> fails to load with the file's text as the reason.
/// </summary>
internal sealed class TestModelBackend : IModelBackend
{
    public const string BackendName = "test";
    public const string FailMarker = "fail.txt";

    public string Platform => "test_platform";

    /// <summary>Every runtime this backend handed out, so tests can check they were disposed.</summary>
    public ConcurrentBag<TestModelRuntime> Runtimes { get; } = [];

    /// <summary>When set, each load signals <see cref="LoadStarted"/> and waits for the gate (to observe a load in progress).</summary>
    public ManualResetEventSlim? Gate { get; set; }

    public SemaphoreSlim LoadStarted { get; } = new(0);

    /// <summary>Loads still to fail, whatever the version (a passing fault, for load retries).</summary>
    public int PassingFailures { get; set; }

    public bool CanServe(ModelConfig config, string versionDirectory) => config.Backend == BackendName;

    public IModelRuntime Load(ModelLoadRequest request)
    {
        if (Gate is { } gate)
        {
            LoadStarted.Release();
            gate.Wait(TestTimeouts.Default);
        }

        if (PassingFailures > 0)
        {
            PassingFailures--;
            throw new ModelLoadException("the model file is still being written");
        }

        var marker = Path.Combine(request.VersionDirectory, FailMarker);
        if (File.Exists(marker))
        {
            throw new ModelLoadException(File.ReadAllText(marker));
        }

        var runtime = new TestModelRuntime(request.Config, new TestModelInstance($"{request.ModelName}_0"));
        Runtimes.Add(runtime);
        return runtime;
    }
}
