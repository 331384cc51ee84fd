using System.Runtime.InteropServices;
using InferenceServer.OnnxRuntime.Gpu;
using InferenceServer.OnnxRuntime.Tests.Infrastructure;

namespace InferenceServer.OnnxRuntime.Tests;

/// <summary>
/// Start-up discovery of ONNX Runtime's CUDA provider's libraries, against real shared libraries and the real dynamic
/// linker: a stand-in provider built here needs two libraries named like cuBLAS's (the first needing the second, so
/// they load in two passes), and cuDNN 9 with one sub-library that loads and one that cannot.
/// </summary>
/// <remarks>
/// Libraries loaded into a process stay there, and a later look-up by name then succeeds whatever the folders say; so
/// the stages that expect something missing run first, in one test, with names no other test uses.
/// </remarks>
public sealed class CudaProviderLibrariesTests : IDisposable
{
    private const string Lt = "libprovtest_blasLt.so.13";
    private const string Blas = "libprovtest_blas.so.13";

    private readonly string _root = Directory.CreateTempSubdirectory("cuda-provider-").FullName;

    [Fact]
    public void Prepare_NamesWhatIsMissingAndWhereItLooked_ThenLoadsTheProviderWithEverythingItNeeds()
    {
        var runtime = Path.Combine(_root, "onnxruntime");
        var blasFolder = Path.Combine(_root, "cublas", "lib");
        var cudnnFolder = Path.Combine(_root, "cudnn", "lib");
        Directory.CreateDirectory(runtime);

        // No provider next to libonnxruntime.so: the CPU build.
        var noProvider = CudaProviderLibraries.Prepare(runtime, []);
        Assert.Contains($"{CudaProviderLibraries.ProviderFile}) is not in {runtime}", noProvider.MissingReason, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimeFlavor=gpu", noProvider.MissingReason, StringComparison.Ordinal);

        var lt = SharedLibraryBuilder.Build(blasFolder, Lt);
        var blas = SharedLibraryBuilder.Build(blasFolder, Blas, lt);
        SharedLibraryBuilder.Build(runtime, CudaProviderLibraries.ProviderFile, lt, blas);

        // The provider's own libraries not on any path given.
        var noBlas = CudaProviderLibraries.Prepare(runtime, [Path.Combine(_root, "elsewhere")]);
        Assert.Contains($"{Lt} (needed by {CudaProviderLibraries.ProviderFile}) was not found in --cuda-library-path ({Path.Combine(_root, "elsewhere")})", noBlas.MissingReason, StringComparison.Ordinal);
        Assert.Empty(noBlas.Loaded);

        // cuDNN missing (unless this machine has it installed where the system's loader looks).
        if (!NativeLibrary.TryLoad(CudaProviderLibraries.CudnnLibrary, out _))
        {
            var noCudnn = CudaProviderLibraries.Prepare(runtime, [blasFolder]);
            Assert.Contains($"{CudaProviderLibraries.CudnnLibrary} (cuDNN 9, which the CUDA provider opens at run time) was not found", noCudnn.MissingReason, StringComparison.Ordinal);
            Assert.Contains("--cuda-library-path", noCudnn.MissingReason, StringComparison.Ordinal);

            var cudnn = SharedLibraryBuilder.Build(cudnnFolder, CudaProviderLibraries.CudnnLibrary);
            SharedLibraryBuilder.Build(cudnnFolder, "libcudnn_provtest_ops.so.9", cudnn);
            var absent = SharedLibraryBuilder.Build(Path.Combine(_root, "gone"), "libprovtest_gone.so.1");
            SharedLibraryBuilder.Build(cudnnFolder, "libcudnn_provtest_adv.so.9", absent);
            Directory.Delete(Path.Combine(_root, "gone"), recursive: true);
        }

        var ready = CudaProviderLibraries.Prepare(runtime, [blasFolder, cudnnFolder]);

        Assert.Equal(string.Empty, ready.MissingReason);
        Assert.Contains($"{Lt} ({Path.Combine(blasFolder, Lt)})", ready.Loaded);
        Assert.Contains($"{Blas} ({Path.Combine(blasFolder, Blas)})", ready.Loaded);
        Assert.Contains($"{CudaProviderLibraries.ProviderFile} ({Path.Combine(runtime, CudaProviderLibraries.ProviderFile)})", ready.Loaded);
        Assert.True(NativeLibrary.TryLoad(Blas, out _), "the dynamic linker does not know the library by its soname");
        if (Directory.Exists(cudnnFolder))
        {
            Assert.Contains($"libcudnn_provtest_ops.so.9 ({Path.Combine(cudnnFolder, "libcudnn_provtest_ops.so.9")})", ready.Loaded);
            var note = Assert.Single(ready.Notes);
            Assert.StartsWith("libcudnn_provtest_adv.so.9 did not load (", note, StringComparison.Ordinal);
            Assert.Contains("libprovtest_gone.so.1", note, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Prepare_ALibraryThatIsThereButBroken_GivesTheLoadersReason()
    {
        var runtime = Path.Combine(_root, "broken-runtime");
        var folder = Path.Combine(_root, "broken");
        var good = SharedLibraryBuilder.Build(folder, "libprovtest_broken.so.1");
        SharedLibraryBuilder.Build(runtime, CudaProviderLibraries.ProviderFile, good);
        File.WriteAllText(good, "not a library any more");

        var result = CudaProviderLibraries.Prepare(runtime, [folder]);

        Assert.StartsWith($"{good} did not load: ", result.MissingReason, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
