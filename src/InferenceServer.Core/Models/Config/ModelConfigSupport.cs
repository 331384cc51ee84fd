using Inference;

namespace InferenceServer.Core.Models.Config;

/// <summary>
/// Refuses, at load, a config that asks for something this server does not do and that would change what a
/// request gets back: a decoupled model would be cut to one response. Such a model is better
/// UNAVAILABLE with a reason naming the field than READY and wrong. Backend-neutral: what one backend cannot do
/// (an instance kind it cannot place) is that backend's to refuse.
/// <para>
/// Fields this server ignores without changing answers stay accepted, as Triton accepts them on a server without
/// the feature: <c>response_cache</c> on a server without <c>--cache-config</c> (answers are the same, only computed every
/// time; the pipeline says so once per version), <c>optimization</c>,
/// <c>rate_limiter</c>, <c>metric_tags</c>.
/// </para>
/// </summary>
public static class ModelConfigSupport
{
    /// <summary>Throws when the config asks for a feature this server cannot honour, naming the field.</summary>
    /// <exception cref="ModelLoadException">The reason, naming the model and the field.</exception>
    public static void EnsureSupported(ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Refusal(config) is { } reason)
        {
            throw new ModelLoadException($"model '{config.Name}': {reason}");
        }
    }

    // The first unsupported field, in the config's own terms, with what to do instead; null when all is served.
    private static string? Refusal(ModelConfig config)
    {
        if (config.ModelTransactionPolicy?.Decoupled == true)
        {
            return "model_transaction_policy { decoupled: true } is not supported by this server yet: it sends exactly one response per request; remove it";
        }

        if (config.BatchInput.Count > 0)
        {
            return $"batch_input '{string.Join(", ", config.BatchInput.SelectMany(b => b.TargetName))}' is not supported by this server yet: it does not build inputs from the batch (ragged batching); remove it";
        }

        if (config.BatchOutput.Count > 0)
        {
            return $"batch_output '{string.Join(", ", config.BatchOutput.SelectMany(b => b.TargetName))}' is not supported by this server yet: it does not split outputs by the batch (ragged batching); remove it";
        }

        if (config.ModelRepositoryAgents?.Agents.Count > 0)
        {
            return $"model_repository_agents '{string.Join(", ", config.ModelRepositoryAgents.Agents.Select(a => a.Name))}' is not supported by this server yet: the files would be served without what the agents do (checksums, decryption); remove it";
        }

        if (config.ModelOperations?.OpLibraryFilename.Count > 0)
        {
            return "model_operations.op_library_filename is not supported by this server yet: it loads no custom operator libraries; remove it";
        }

        return null;
    }
}
