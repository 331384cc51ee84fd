using InferenceServer.Core.Inference;

namespace InferenceServer.Protocols.Tracing;

/// <summary>What both protocols check before reading or changing a model's trace settings.</summary>
internal static class TraceSettingsRequests
{
    /// <summary>A model's settings exist only for a model the repository has (loaded or not yet ready); null is the server's.</summary>
    public static InferenceError CheckModel(ServerContext server, string? model)
    {
        if (model is null)
        {
            return InferenceError.None;
        }

        var error = server.Models.TryResolve(model, "", out _);
        return error.Code == InferenceErrorCode.NotFound ? error : InferenceError.None;
    }
}
