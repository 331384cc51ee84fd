using InferenceServer.ModelBuilder.Repository;

namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>A Triton-layout model repository in a fresh temp folder, deleted on dispose.</summary>
internal sealed class TempRepository : IDisposable
{
    public TempRepository()
    {
        Root = Path.Combine(Path.GetTempPath(), "is-ort-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes <c>&lt;root&gt;/&lt;name&gt;/&lt;version&gt;/model.onnx</c> and, unless null, config.pbtxt.</summary>
    public void Add(string name, byte[] onnx, string? config = null, int version = 1) =>
        SampleRepositoryWriter.WriteModel(Root, name, onnx, config, version);

    public string ModelDirectory(string name) => Path.Combine(Root, name);

    public string VersionDirectory(string name, int version = 1) =>
        Path.Combine(Root, name, version.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test over.
        }
    }
}
