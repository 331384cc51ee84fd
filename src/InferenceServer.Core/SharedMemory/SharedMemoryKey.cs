namespace InferenceServer.Core.SharedMemory;

/// <summary>
/// What a client may name as a system shared-memory key: a POSIX shared-memory object name (<c>/name</c>, as
/// <c>shm_open</c> takes it), which the server opens under <c>/dev/shm</c> and nowhere else. One leading slash, then a
/// single path segment: no further slash, no <c>.</c> or <c>..</c>, no control characters, at most 255 bytes (NAME_MAX).
/// </summary>
public static class SharedMemoryKey
{
    /// <summary>The folder POSIX shared-memory objects live in on Linux.</summary>
    public const string Folder = "/dev/shm/";

    public const int MaxNameLength = 255;

    /// <summary>Whether <paramref name="key"/> is a shared-memory object name; <paramref name="problem"/> says why not.</summary>
    public static bool IsValid(string key, out string problem)
    {
        var name = key.StartsWith('/') ? key.AsSpan(1) : key.AsSpan();
        problem = name.Length == 0 ? "it is empty"
            : name.Contains('/') ? "it contains '/' beyond the leading one"
            : name is "." or ".." ? "it is '.' or '..'"
            : name.ContainsAnyInRange('\0', '\u001f') ? "it contains control characters"
            : System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameLength ? $"it is longer than {MaxNameLength} bytes"
            : "";
        return problem.Length == 0;
    }

    /// <summary>The path of a valid key's object.</summary>
    public static string PathOf(string key) => Folder + key.TrimStart('/');
}
