namespace InferenceServer.Core.Models.Repository;

/// <summary>
/// Canonical paths with every symbolic link resolved, so "stays under the repository" is decided on where a file
/// really is, not on how its path is spelt. Links inside the repository stay allowed (Kubernetes mounts ConfigMaps
/// and projected volumes through <c>..data</c> links); a link that leads out is refused.
/// </summary>
public static class RepositoryPaths
{
    // Linux gives up after 40 links in one lookup (ELOOP); so do we.
    private const int MaxLinks = 40;

    /// <summary>
    /// <paramref name="path"/> made absolute, with "." and ".." applied and every symbolic link along it replaced by
    /// its target, component by component as the kernel does (so "link/.." is the target's parent). Components that
    /// do not exist are kept as written.
    /// </summary>
    /// <exception cref="IOException">More than 40 links (a loop).</exception>
    public static string Resolve(string path)
    {
        var links = 0;
        return Resolve(Path.IsPathRooted(path) ? path : Path.Combine(Environment.CurrentDirectory, path), ref links);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both canonical).</summary>
    public static bool IsUnder(string path, string root)
    {
        var trimmed = root.TrimEnd(Path.DirectorySeparatorChar);
        return path == trimmed || path == root
            || (path.StartsWith(trimmed, StringComparison.Ordinal) && path.Length > trimmed.Length && path[trimmed.Length] == Path.DirectorySeparatorChar);
    }

    private static string Resolve(string absolute, ref int links)
    {
        var current = Path.GetPathRoot(absolute) ?? "/";
        foreach (var part in absolute[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links at '{next}'");
            }

            current = Resolve(Path.IsPathRooted(target) ? target : Path.Combine(current, target), ref links);
        }

        return current;
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
