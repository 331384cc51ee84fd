using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Caching;

/// <summary>
/// The key of a request's answer: XxHash128 over the model's name, version and load identity
/// (<see cref="ModelVersion.CacheIdentity"/>: a reload of the same version number with other files has another key),
/// every input's name, datatype, shape and bytes (in the model's input order, so the order a client lists them in does not
/// matter; bytes read from shared memory are hashed like any other), and the requested outputs in order with their
/// classification count (they decide which tensors come back, in which order). Every field is length-prefixed, so two
/// different requests never hash the same bytes. One hasher per thread: a key allocates nothing.
/// </summary>
public static class ResponseCacheKey
{
    [ThreadStatic]
    private static XxHash128? _threadHasher;

    public static UInt128 Compute(ModelVersion model, InferenceRequest request)
    {
        var hash = _threadHasher ??= new XxHash128();
        AppendText(hash, model.Name);
        AppendNumber(hash, model.Version);
        Span<byte> identity = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128LittleEndian(identity, model.CacheIdentity);
        hash.Append(identity);

        var inputs = request.Inputs;
        AppendNumber(hash, inputs.Length);
        for (var index = 0; index < model.Signature.Inputs.Count; index++)
        {
            foreach (var input in inputs)
            {
                if (input.Spec?.Index == index)
                {
                    AppendInput(hash, input);
                }
            }
        }

        // Validation binds every input to the signature; anything unbound still counts, in the request's order.
        foreach (var input in inputs)
        {
            if (input.Spec is null)
            {
                AppendInput(hash, input);
            }
        }

        var outputs = request.RequestedOutputs;
        AppendNumber(hash, outputs.Length);
        foreach (var output in outputs)
        {
            AppendText(hash, output.Name);
            AppendNumber(hash, output.ClassCount);
        }

        var key = hash.GetCurrentHashAsUInt128();
        hash.Reset();
        return key;
    }

    private static void AppendInput(XxHash128 hash, InferenceInput input)
    {
        AppendText(hash, input.Name);
        AppendNumber(hash, (long)input.DataType);
        var dims = input.Shape.Dimensions;
        AppendNumber(hash, dims.Length);
        hash.Append(MemoryMarshal.AsBytes(dims));
        AppendNumber(hash, input.Data.Length);
        hash.Append(input.Data.Span);
    }

    // UTF-16 code units as bytes: the same on every little-endian host, and no encoding step.
    private static void AppendText(XxHash128 hash, string text)
    {
        AppendNumber(hash, text.Length);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
    }

    private static void AppendNumber(XxHash128 hash, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        hash.Append(bytes);
    }
}
