namespace InferenceServer.FunctionalTests.Tracing;

/// <summary>A fresh temporary folder for a test's trace files, deleted on dispose.</summary>
internal sealed class TraceDirectory : IDisposable
{
    public TraceDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "inference-server-trace-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test over.
        }
    }
}
