using System.IO.Hashing;
using Inference;

namespace InferenceServer.Core.Caching;

/// <summary>
/// What a loaded version's answers depend on besides its name and number: its completed config and the bytes of every
/// file in its version directory. A reload of version 3 with new files gets another identity, so it never serves the old
/// files' answers; two replicas that load the same files get the same one, so they share a Redis cache. Computed at load,
/// only for models that ask for <c>response_cache</c> (it reads the files once more; hashing runs at memory speed).
/// </summary>
public static class ResponseCacheIdentity
{
    public static UInt128 Of(string versionDirectory, ModelConfig config)
    {
        var hash = new XxHash128();
        hash.Append(Google.Protobuf.MessageExtensions.ToByteArray(config));
        var files = Directory.GetFiles(versionDirectory, "*", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            hash.Append(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(versionDirectory, file)));
            hash.Append([0]);
            using var stream = File.OpenRead(file);
            hash.Append(stream);
        }

        return hash.GetCurrentHashAsUInt128();
    }
}
