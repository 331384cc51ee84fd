using System.Globalization;

namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// The Triton-layout folder: <c>&lt;root&gt;/&lt;model&gt;/config.pbtxt</c> and
/// <c>&lt;root&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>. Only reads the file system; loading is elsewhere.
/// </summary>
public sealed class ModelRepository
{
    public const string ConfigFileName = "config.pbtxt";

    public ModelRepository(string root)
    {
        Root = Path.GetFullPath(root);
    }

    /// <summary>The canonical repository path.</summary>
    public string Root { get; }

    /// <summary>Model folder names (hidden folders are skipped), sorted.</summary>
    public IReadOnlyList<string> ListModelNames()
    {
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"model repository '{Root}' does not exist");
        }

        return Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .Where(n => !string.IsNullOrEmpty(n) && n[0] != '.')
            .Order(StringComparer.Ordinal)
            .ToArray()!;
    }

    /// <summary>The model's folder; a name that would leave the repository (a path, "..") throws.</summary>
    /// <exception cref="ModelLoadException">The name does not stay under <see cref="Root"/>.</exception>
    public string ModelDirectory(string model)
    {
        var path = Path.GetFullPath(Path.Combine(Root, model));
        return Path.GetDirectoryName(path) == Root.TrimEnd(Path.DirectorySeparatorChar)
            ? EnsureInside(path, $"the folder of model '{model}'")
            : throw new ModelLoadException($"model name '{model}' does not name a folder directly under the repository");
    }

    /// <summary>
    /// Returns <paramref name="path"/> when, with every symbolic link resolved, it is inside the repository (as
    /// resolved too); throws otherwise. Every file the server reads from the repository goes through here.
    /// </summary>
    /// <param name="what">Names the path in the error ("the model file", …).</param>
    /// <exception cref="ModelLoadException">The path leads out of the repository.</exception>
    public string EnsureInside(string path, string what) => EnsureUnder(path, Root, what);

    /// <summary>As <see cref="EnsureInside"/>, for any folder.</summary>
    /// <exception cref="ModelLoadException">The path leads out of <paramref name="folder"/>.</exception>
    public static string EnsureUnder(string path, string folder, string what)
    {
        string resolved, root;
        try
        {
            resolved = RepositoryPaths.Resolve(path);
            root = RepositoryPaths.Resolve(folder);
        }
        catch (IOException ex)
        {
            throw new ModelLoadException($"{what} cannot be resolved: {ex.Message}");
        }

        return RepositoryPaths.IsUnder(resolved, root)
            ? path
            : throw new ModelLoadException($"{what} resolves to '{resolved}', outside '{root}'; symbolic links may only point inside the model repository");
    }

    public string ConfigPath(string model) => Path.Combine(ModelDirectory(model), ConfigFileName);

    /// <summary>
    /// The version folders of a model: names made only of digits that do not start with '0'
    /// (Triton ignores everything else), ascending.
    /// </summary>
    public IReadOnlyList<long> ListVersions(string model)
    {
        var versions = new List<long>();
        foreach (var dir in Directory.EnumerateDirectories(ModelDirectory(model)))
        {
            if (TryParseVersion(Path.GetFileName(dir), out var version))
            {
                versions.Add(version);
            }
        }

        versions.Sort();
        return versions;
    }

    /// <summary>Triton's rule for a version folder name: digits only, no leading zero.</summary>
    public static bool TryParseVersion(ReadOnlySpan<char> name, out long version)
    {
        version = 0;
        return name.Length > 0 && name[0] != '0' && !name.ContainsAnyExceptInRange('0', '9')
            && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    public string VersionDirectory(string model, long version) =>
        EnsureInside(Path.Combine(ModelDirectory(model), version.ToString(CultureInfo.InvariantCulture)), $"version {version} of model '{model}'");
}
