namespace InferenceServer.FunctionalTests.Perf;

/// <summary>A temporary folder for a test's files (scenario files, reports, captures), deleted with everything in it.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("load-tool-test").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
