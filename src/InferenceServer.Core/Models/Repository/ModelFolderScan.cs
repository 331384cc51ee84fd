namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// One model folder as a poll saw it: the stamps of its own files (config.pbtxt, labels, warmup/…) and of
/// each version folder's files, each list sorted by path.
/// </summary>
public sealed class ModelFolderScan
{
    public ModelFolderScan(IReadOnlyList<FileStamp> modelFiles, IReadOnlyDictionary<long, IReadOnlyList<FileStamp>> versions, FileStamp? trafficFile = null)
    {
        ModelFiles = modelFiles;
        Versions = versions;
        TrafficFile = trafficFile;
    }

    /// <summary>traffic.json, kept apart: a new traffic policy applies without reloading the model.</summary>
    public FileStamp? TrafficFile { get; }

    /// <summary>Only the traffic policy file differs from <paramref name="other"/>.</summary>
    public bool OnlyTrafficDiffers(ModelFolderScan other) => TrafficFile != other.TrafficFile && SameExceptTraffic(other);

    /// <summary>Files of the model folder outside its version folders.</summary>
    public IReadOnlyList<FileStamp> ModelFiles { get; }

    /// <summary>Version number → the files of that version folder.</summary>
    public IReadOnlyDictionary<long, IReadOnlyList<FileStamp>> Versions { get; }

    /// <summary>The version numbers, ascending.</summary>
    public IReadOnlyList<long> VersionNumbers => Versions.Keys.Order().ToArray();

    public bool SameModelFiles(ModelFolderScan other) => ModelFiles.SequenceEqual(other.ModelFiles);

    public bool SameVersion(long version, ModelFolderScan other) =>
        Versions.TryGetValue(version, out var mine) && other.Versions.TryGetValue(version, out var theirs) && mine.SequenceEqual(theirs);

    /// <summary>Nothing was added, removed or rewritten between the two scans.</summary>
    public bool SameAs(ModelFolderScan other) => TrafficFile == other.TrafficFile && SameExceptTraffic(other);

    private bool SameExceptTraffic(ModelFolderScan other) =>
        SameModelFiles(other) && Versions.Count == other.Versions.Count && Versions.Keys.All(v => SameVersion(v, other));
}
