using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.ModelBuilder.Tests.Repository;

public sealed class SampleRepositoryWriterTests : IDisposable
{
    private static readonly string[] ExpectedFiles =
    [
        "fraud_detector/1/model.onnx",
        "fraud_detector/config.pbtxt",
        "simple/1/model.onnx",
        "simple/config.pbtxt",
        "simple_identity/1/model.onnx",
        "simple_identity/config.pbtxt",
        "simple_string/1/model.onnx",
        "simple_string/config.pbtxt",
    ];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "sample-repository-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Write_EmptyRoot_CreatesTritonLayout()
    {
        SampleRepositoryWriter.Write(_root);

        Assert.Equal(ExpectedFiles, ListFiles(_root));
    }

    [Fact]
    public void Write_Twice_ProducesIdenticalBytes()
    {
        var second = _root + "-second";
        try
        {
            SampleRepositoryWriter.Write(_root);
            SampleRepositoryWriter.Write(second);

            foreach (var file in ExpectedFiles)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(_root, file)), File.ReadAllBytes(Path.Combine(second, file)));
            }
        }
        finally
        {
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public void Write_UnchangedFile_IsNotRewritten()
    {
        SampleRepositoryWriter.Write(_root);
        var config = Path.Combine(_root, "simple", "config.pbtxt");
        var earlier = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(config, earlier);

        SampleRepositoryWriter.Write(_root);

        Assert.Equal(earlier, File.GetLastWriteTimeUtc(config));
    }

    [Fact]
    public void WriteModel_NullConfig_WritesOnlyTheModel()
    {
        var written = SampleRepositoryWriter.WriteModel(_root, "fixed", SampleModels.FixedShape(), config: null, version: 3);

        Assert.Equal([Path.Combine(_root, "fixed", "3", "model.onnx")], written);
        Assert.Equal(["fixed/3/model.onnx"], ListFiles(_root));
    }

    [Fact]
    public void CreateSamples_EveryModel_LoadsInOnnxRuntime()
    {
        foreach (var sample in SampleRepositoryWriter.CreateSamples())
        {
            using var session = new OrtTestSession(sample.Onnx);
            Assert.Contains($"name: \"{sample.Name}\"\n", sample.Config, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CreateSamples_ConfigInputs_MatchModelInputsWithoutBatchDimension()
    {
        foreach (var sample in SampleRepositoryWriter.CreateSamples())
        {
            using var session = new OrtTestSession(sample.Onnx);
            foreach (var (name, metadata) in session.InputMetadata.Concat(session.OutputMetadata))
            {
                Assert.Equal(-1, metadata.Dimensions[0]);
                var dims = string.Join(", ", metadata.Dimensions.Skip(1));
                Assert.Contains($"name: \"{name}\"\n", sample.Config, StringComparison.Ordinal);
                Assert.Contains($"dims: [ {dims} ]", sample.Config, StringComparison.Ordinal);
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    internal static string[] ListFiles(string root)
        => [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
}
