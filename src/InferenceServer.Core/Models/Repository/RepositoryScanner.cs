using System.Globalization;
using InferenceServer.Core.Models.Lifecycle;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// Reads the stamps of every file in the repository for poll mode. A version folder that lacks the ready
/// marker (when one is configured) is left out, as if it were not there yet.
/// </summary>
public sealed class RepositoryScanner
{
    private readonly ModelRepository _repository;
    private readonly string _readyMarker;

    /// <param name="readyMarker">
    /// File name an operator writes into a version folder last, to say it is complete ("" = no marker: a folder
    /// counts once its files are unchanged across two polls).
    /// </param>
    public RepositoryScanner(ModelRepository repository, string readyMarker)
    {
        _repository = repository;
        _readyMarker = readyMarker;
    }

    /// <summary>
    /// Model name → its scan, or null when the folder changed under the scan (a file vanished between listing
    /// and reading it): such a model counts as changing.
    /// </summary>
    /// <exception cref="IOException">The repository folder itself cannot be read.</exception>
    public IReadOnlyDictionary<string, ModelFolderScan?> Scan()
    {
        var models = new Dictionary<string, ModelFolderScan?>(StringComparer.Ordinal);
        foreach (var name in _repository.ListModelNames())
        {
            try
            {
                // Names come from listing the root, so they are folder names; a folder that links outside is
                // scanned like any other and refused by the load that follows, which gives the reason.
                models[name] = ScanModel(Path.Combine(_repository.Root, name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                models[name] = null;
            }
        }

        return models;
    }

    private ModelFolderScan ScanModel(string directory)
    {
        var modelFiles = new List<FileStamp>();
        FileStamp? trafficFile = null;
        var versions = new Dictionary<long, List<FileStamp>>();
        var root = new DirectoryInfo(directory);
        foreach (var file in root.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            var relative = Path.GetRelativePath(directory, file.FullName);
            var stamp = new FileStamp(relative, file.Length, file.LastWriteTimeUtc.Ticks);
            var separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
            if (separator > 0 && ModelRepository.TryParseVersion(relative.AsSpan(0, separator), out var version))
            {
                if (!versions.TryGetValue(version, out var files))
                {
                    versions[version] = files = [];
                }

                files.Add(stamp);
            }
            else if (relative == TrafficControl.FileName)
            {
                trafficFile = stamp;
            }
            else
            {
                modelFiles.Add(stamp);
            }
        }

        // An empty version folder is there too (mkdir before the copy): it is compared like any other.
        foreach (var folder in root.EnumerateDirectories())
        {
            if (ModelRepository.TryParseVersion(folder.Name, out var version) && !versions.ContainsKey(version))
            {
                versions[version] = [];
            }
        }

        var complete = new Dictionary<long, IReadOnlyList<FileStamp>>();
        foreach (var (version, files) in versions)
        {
            if (_readyMarker.Length == 0 || files.Exists(f => f.Path == Path.Combine(version.ToString(CultureInfo.InvariantCulture), _readyMarker)))
            {
                files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
                complete[version] = files;
            }
        }

        modelFiles.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new ModelFolderScan(modelFiles, complete, trafficFile);
    }
}
