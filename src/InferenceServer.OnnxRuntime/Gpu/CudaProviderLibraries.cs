using System.Runtime.InteropServices;

namespace InferenceServer.OnnxRuntime.Gpu;

/// <summary>
/// Finds and loads, at start-up, the CUDA 13 and cuDNN 9 libraries ONNX Runtime's CUDA provider
/// (<c>libonnxruntime_providers_cuda.so</c>) needs, from the folders of <c>--cuda-library-path</c> first and then
/// wherever the system's loader looks (<c>LD_LIBRARY_PATH</c>, <c>/etc/ld.so.cache</c>), and then the provider itself.
/// </summary>
/// <remarks>
/// Why load them ourselves: the dynamic linker matches a library's <c>DT_NEEDED</c> names against libraries already
/// loaded, so once these are in the process ONNX Runtime's own <c>dlopen</c> of the provider (and cuDNN's of its
/// sub-libraries) succeeds without <c>LD_LIBRARY_PATH</c>, which cannot be changed once the process runs — the CUDA
/// wheels of a Python environment or a CUDA toolkit folder can be named on the command line. And a missing library is
/// named with where it was looked for at start-up, instead of as the first <c>dlopen</c> failure of the first model's load.
/// </remarks>
public sealed class CudaProviderLibraries
{
    /// <summary>ONNX Runtime's CUDA provider, next to its <c>libonnxruntime.so</c>.</summary>
    public const string ProviderFile = "libonnxruntime_providers_cuda.so";

    /// <summary>cuDNN 9, which the provider opens at run time rather than through <c>DT_NEEDED</c>.</summary>
    public const string CudnnLibrary = "libcudnn.so.9";

    private const string CudnnCompanionPrefix = "libcudnn_";
    private const string CudnnCompanionSuffix = ".so.9";

    private CudaProviderLibraries(string missingReason, IReadOnlyList<string> loaded, IReadOnlyList<string> notes)
    {
        MissingReason = missingReason;
        Loaded = loaded;
        Notes = notes;
    }

    /// <summary>Empty when the provider and everything it needs are loaded; otherwise what is missing and where it was looked for.</summary>
    public string MissingReason { get; }

    /// <summary>What was loaded, each as "name (path)" or "name (system loader)", for the start-up log.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Optional libraries that did not load (cuDNN sub-libraries some operators use), with the loader's reason.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Loads the provider in <paramref name="onnxRuntimeFolder"/> and what it needs, searching <paramref name="searchFolders"/> first.</summary>
    public static CudaProviderLibraries Prepare(string onnxRuntimeFolder, IReadOnlyList<string> searchFolders)
    {
        var provider = Path.Combine(onnxRuntimeFolder, ProviderFile);
        if (!File.Exists(provider))
        {
            return Missing(
                $"ONNX Runtime's CUDA provider ({ProviderFile}) is not in {onnxRuntimeFolder}, next to libonnxruntime.so "
                + "(publish with -p:OnnxRuntimeFlavor=gpu, or use the GPU image)");
        }

        IReadOnlyList<string> needed;
        try
        {
            needed = ElfNeededLibraries.Read(provider);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return Missing($"{provider} could not be read: {ex.Message}");
        }

        // The provider's folder first: ONNX Runtime keeps libonnxruntime_providers_shared.so there.
        string[] folders = [onnxRuntimeFolder, .. searchFolders.Where(f => f.Length > 0)];
        var files = new List<(string Name, string Path)>();
        var loaded = new List<string>();
        foreach (var name in needed.Append(CudnnLibrary))
        {
            if (Find(folders, name) is { } path)
            {
                files.Add((name, path));
                if (name == CudnnLibrary)
                {
                    files.AddRange(CudnnCompanions(Path.GetDirectoryName(path)!));
                }
            }
            else if (NativeLibrary.TryLoad(name, out _))
            {
                loaded.Add($"{name} (system loader)");
            }
            else
            {
                var requiredBy = name == CudnnLibrary ? "cuDNN 9, which the CUDA provider opens at run time" : $"needed by {ProviderFile}";
                return Missing(
                    $"{name} ({requiredBy}) was not found in {Describe(searchFolders)} nor where the system's loader looks "
                    + "(LD_LIBRARY_PATH, /etc/ld.so.cache); name its folder with --cuda-library-path");
            }
        }

        var notes = new List<string>();
        var failure = LoadInAnyOrder(files, loaded, notes);
        if (failure.Length > 0)
        {
            return Missing(failure);
        }

        try
        {
            NativeLibrary.Load(provider);
            loaded.Add($"{ProviderFile} ({provider})");
        }
        catch (DllNotFoundException ex)
        {
            return Missing($"{provider} did not load: {ex.Message}");
        }

        return new CudaProviderLibraries(string.Empty, loaded, notes);
    }

    /// <summary>
    /// <see cref="Prepare"/> for the provider beside the ONNX Runtime this process loaded, searching the folders of
    /// <paramref name="searchPath"/> (':'-separated, as <c>--cuda-library-path</c> takes them) first.
    /// </summary>
    public static CudaProviderLibraries PrepareBesideOnnxRuntime(string searchPath) =>
        Prepare(
            LoadedOnnxRuntimeFolder() ?? AppContext.BaseDirectory,
            searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The folder ONNX Runtime was loaded from (it must be loaded already), or null where that cannot be read.</summary>
    public static string? LoadedOnnxRuntimeFolder()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var path = line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : string.Empty;
                if (path.EndsWith("/libonnxruntime.so", StringComparison.Ordinal) || path.Contains("/libonnxruntime.so.", StringComparison.Ordinal))
                {
                    return Path.GetDirectoryName(path);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    // Each library needs others of the set (cuBLAS needs cuBLASLt); loading by full path only succeeds once those are
    // in, so go round until a pass loads nothing more. A required library that still fails gives the loader's reason.
    private static string LoadInAnyOrder(List<(string Name, string Path)> files, List<string> loaded, List<string> notes)
    {
        var pending = new List<(string Name, string Path)>(files);
        bool progress;
        do
        {
            progress = false;
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                if (NativeLibrary.TryLoad(pending[i].Path, out _))
                {
                    loaded.Add($"{pending[i].Name} ({pending[i].Path})");
                    pending.RemoveAt(i);
                    progress = true;
                }
            }
        }
        while (progress && pending.Count > 0);

        foreach (var (name, path) in pending)
        {
            var reason = LoaderReason(path);
            if (!IsCudnnCompanion(name))
            {
                return $"{path} did not load: {reason}";
            }

            notes.Add($"{name} did not load ({reason}); operators that need it fail at run time");
        }

        return string.Empty;
    }

    private static string LoaderReason(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return "it loaded on a second try";
        }
        catch (DllNotFoundException ex)
        {
            return ex.Message;
        }
    }

    private static string? Find(IEnumerable<string> folders, string name) =>
        folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);

    private static IEnumerable<(string Name, string Path)> CudnnCompanions(string folder) =>
        Directory.EnumerateFiles(folder, CudnnCompanionPrefix + "*" + CudnnCompanionSuffix)
            .Select(p => (Path.GetFileName(p), p))
            .Where(f => IsCudnnCompanion(f.Item1))
            .Order();

    private static bool IsCudnnCompanion(string name) =>
        name.StartsWith(CudnnCompanionPrefix, StringComparison.Ordinal) && name.EndsWith(CudnnCompanionSuffix, StringComparison.Ordinal);

    private static string Describe(IReadOnlyList<string> folders) =>
        folders.Count == 0 ? "--cuda-library-path (none given)" : $"--cuda-library-path ({string.Join(", ", folders)})";

    private static CudaProviderLibraries Missing(string reason) => new(reason, [], []);
}
