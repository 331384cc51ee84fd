namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>
/// A POSIX shared-memory object a test plays the client with: a file under <c>/dev/shm</c> (what <c>shm_open</c>
/// creates), read and written through the file while the server maps it (tmpfs pages are shared, so both see the same
/// bytes). Disposing removes it.
/// </summary>
internal sealed class ShmObject : IDisposable
{
    public ShmObject(int size)
    {
        Name = $"inference-server-test-{Guid.NewGuid():N}";
        File.WriteAllBytes(Path, new byte[size]);
    }

    /// <summary>The object's name without the slash.</summary>
    public string Name { get; }

    /// <summary>The key a client registers: <c>/name</c>.</summary>
    public string Key => "/" + Name;

    public string Path => "/dev/shm/" + Name;

    public void Write(int offset, byte[] bytes)
    {
        using var file = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    public byte[] Read(int offset, int length)
    {
        using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose() => File.Delete(Path);
}
