using InferenceServer.OnnxRuntime.Gpu;
using InferenceServer.OnnxRuntime.Tests.Infrastructure;

namespace InferenceServer.OnnxRuntime.Tests;

public sealed class ElfNeededLibrariesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("elf-needed-").FullName;

    [Fact]
    public void Read_GivesTheLibrariesAFileWasLinkedAgainst_InLinkOrder()
    {
        var second = SharedLibraryBuilder.Build(_folder, "libelftest_second.so.2");
        var first = SharedLibraryBuilder.Build(_folder, "libelftest_first.so.1");
        var library = SharedLibraryBuilder.Build(_folder, "libelftest_main.so", first, second);

        var needed = ElfNeededLibraries.Read(library);

        // The compiler adds the C library; ours come in the order they were named.
        var ours = needed.Where(n => n.StartsWith("libelftest_", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["libelftest_first.so.1", "libelftest_second.so.2"], ours);
        Assert.Contains(needed, n => n.StartsWith("libc.so", StringComparison.Ordinal));
        Assert.DoesNotContain(ElfNeededLibraries.Read(second), n => n.StartsWith("libelftest_", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_OfONNXRuntimeItself_FindsItsSystemLibraries()
    {
        var folder = CudaProviderLibraries.LoadedOnnxRuntimeFolder();
        Microsoft.ML.OnnxRuntime.OrtEnv.Instance();
        folder ??= CudaProviderLibraries.LoadedOnnxRuntimeFolder();
        Assert.NotNull(folder);

        var needed = ElfNeededLibraries.Read(Path.Combine(folder, "libonnxruntime.so"));

        Assert.Contains(needed, n => n.StartsWith("libc.so", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not an ELF file at all")]
    [InlineData("\u007fELF")]
    public void Read_OfSomethingElse_SaysWhatIsWrong(string content)
    {
        var path = Path.Combine(_folder, "libnotelf.so");
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidDataException>(() => ElfNeededLibraries.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
