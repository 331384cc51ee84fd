using InferenceServer.ModelBuilder.Repository;

namespace InferenceServer.ModelBuilder.Tests.Repository;

/// <summary>
/// The repository's model-repository/ folder must be exactly what the generator writes today.
/// When one of these fails after a deliberate change, regenerate with
/// <c>dotnet run --project src/InferenceServer.ModelBuilder -- model-repository</c> from the root.
/// </summary>
public sealed class CheckedInRepositoryTests
{
    private static readonly string CheckedIn = Path.Combine(RepositoryRoot.Find(), SampleRepositoryWriter.DefaultRoot);

    [Fact]
    public void CheckedInRepository_EverySample_EqualsGeneratorOutput()
    {
        foreach (var sample in SampleRepositoryWriter.CreateSamples())
        {
            var config = Path.Combine(CheckedIn, sample.Name, SampleRepositoryWriter.ConfigFileName);
            var model = Path.Combine(CheckedIn, sample.Name, "1", SampleRepositoryWriter.ModelFileName);

            Assert.Equal(sample.Config, File.ReadAllText(config));
            Assert.True(sample.Onnx.AsSpan().SequenceEqual(File.ReadAllBytes(model)), $"{model} differs from the generator's output.");
        }
    }

    [Fact]
    public void CheckedInRepository_Files_AreExactlyTheSamples()
    {
        var expected = SampleRepositoryWriter.CreateSamples()
            .SelectMany(s => new[] { $"{s.Name}/1/{SampleRepositoryWriter.ModelFileName}", $"{s.Name}/{SampleRepositoryWriter.ConfigFileName}" })
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, SampleRepositoryWriterTests.ListFiles(CheckedIn));
    }

    [Fact]
    public void CheckedInRepository_Files_AreCommitSized()
    {
        foreach (var file in Directory.EnumerateFiles(CheckedIn, "*", SearchOption.AllDirectories))
        {
            Assert.InRange(new FileInfo(file).Length, 1, 64 * 1024);
        }
    }
}
