using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols;

/// <summary>
/// The rules a load request's parameters follow on both protocols. Triton lets a load carry model files as
/// <c>file:&lt;path&gt;</c> parameters; this server loads only what the repository holds (a load names files it will
/// open and run, so they come from the operator's folder), and refuses such a load — on HTTP and gRPC alike.
/// </summary>
internal static class ModelLoadParameters
{
    /// <summary>The refusal for the first <c>file:</c> parameter among <paramref name="names"/>, or none.</summary>
    public static InferenceError RefuseFiles(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            if (name.StartsWith("file:", StringComparison.Ordinal))
            {
                return InferenceError.Unsupported($"load parameter '{name}': supplying model files through the load request is not supported");
            }
        }

        return InferenceError.None;
    }
}
