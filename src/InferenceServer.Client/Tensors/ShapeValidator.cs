using System.Collections.Concurrent;
using InferenceServer.Client.Models;

namespace InferenceServer.Client.Tensors;

/// <summary>
/// The opt-in client-side check of a request's inputs against the model's metadata: every input is declared, with
/// its datatype and rank, and every fixed dim matches (-1 matches anything). The metadata is fetched once per
/// model and version; a failed fetch is not kept, so the next request tries again.
/// </summary>
internal sealed class ShapeValidator(InferenceClient client)
{
    private readonly ConcurrentDictionary<(string Model, string Version), Task<ModelMetadata>> _metadata = new();

    public async Task ValidateAsync(InferRequest request, CancellationToken cancellationToken)
    {
        var key = (request.ModelName, request.ModelVersion);
        var fetch = _metadata.GetOrAdd(key, static (k, c) => c.GetModelMetadataAsync(k.Model, k.Version, CancellationToken.None), client);
        ModelMetadata metadata;
        try
        {
            metadata = await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (fetch.IsFaulted || fetch.IsCanceled)
        {
            _metadata.TryRemove(new KeyValuePair<(string, string), Task<ModelMetadata>>(key, fetch));
            throw;
        }

        Check(request, metadata);
    }

    internal static void Check(InferRequest request, ModelMetadata metadata)
    {
        foreach (var input in request.Inputs)
        {
            var declared = Find(metadata.Inputs, input.Name)
                ?? throw new ArgumentException($"model '{metadata.Name}' has no input '{input.Name}'; its inputs are {Names(metadata.Inputs)}", nameof(request));
            if (declared.DataType != input.DataType)
            {
                throw new ArgumentException($"input '{input.Name}' of model '{metadata.Name}' is {declared.DataType}, the request gives {input.DataType}", nameof(request));
            }

            var shapeMatches = declared.Shape.Count == input.Shape.Length;
            for (var i = 0; shapeMatches && i < input.Shape.Length; i++)
            {
                shapeMatches = declared.Shape[i] < 0 || declared.Shape[i] == input.Shape[i];
            }

            if (!shapeMatches)
            {
                throw new ArgumentException(
                    $"input '{input.Name}' of model '{metadata.Name}' has shape [{string.Join(",", declared.Shape)}], the request gives [{string.Join(",", input.Shape)}]",
                    nameof(request));
            }
        }
    }

    private static TensorMetadata? Find(IReadOnlyList<TensorMetadata> tensors, string name)
    {
        foreach (var tensor in tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        return null;
    }

    private static string Names(IReadOnlyList<TensorMetadata> tensors)
    {
        var names = new string[tensors.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = "'" + tensors[i].Name + "'";
        }

        return string.Join(", ", names);
    }
}
