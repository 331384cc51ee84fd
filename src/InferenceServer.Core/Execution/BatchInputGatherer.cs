using System.Buffers;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;

namespace InferenceServer.Core.Execution;

/// <summary>
/// Puts one execution's numeric inputs where a runtime can read them: a single request's input is pinned and read
/// in place; a batch's is copied, request after request, into one pooled pinned buffer. Everything pinned or rented
/// is held until <see cref="Release"/>, after the run. Used by one instance thread at a time.
/// </summary>
internal sealed unsafe class BatchInputGatherer
{
    private readonly PinnedBufferPool _pool;
    private readonly List<MemoryHandle> _pins = [];
    private readonly List<PinnedBuffer> _gathered = [];

    public BatchInputGatherer(PinnedBufferPool pool)
    {
        _pool = pool;
    }

    /// <summary>The input of <paramref name="request"/> that <paramref name="spec"/> describes.</summary>
    public static InferenceInput Find(InferenceRequest request, TensorSpec spec)
    {
        foreach (var input in request.Inputs)
        {
            if (ReferenceEquals(input.Spec, spec))
            {
                return input;
            }
        }

        throw new InvalidOperationException($"a batched request lacks input '{spec.Name}'");
    }

    /// <summary>The address of a request's own input, pinned until <see cref="Release"/> (meaningless when the input is empty).</summary>
    public nint Pin(InferenceInput input)
    {
        var handle = input.Data.Pin();
        _pins.Add(handle);
        return (nint)handle.Pointer;
    }

    /// <summary>One input of every request of the batch, copied one after another into one pooled buffer held until <see cref="Release"/>.</summary>
    public PinnedBuffer Gather(ReadOnlySpan<InferenceRequest> batch, TensorSpec spec)
    {
        long total = 0;
        foreach (var request in batch)
        {
            total += Find(request, spec).Data.Length;
        }

        var buffer = _pool.Rent(checked((int)total));
        _gathered.Add(buffer);
        var destination = buffer.Span;
        foreach (var request in batch)
        {
            var data = Find(request, spec).Data.Span;
            data.CopyTo(destination);
            destination = destination[data.Length..];
        }

        return buffer;
    }

    /// <summary>Unpins the requests' inputs and returns the gathered buffers, once the runtime no longer reads them.</summary>
    public void Release()
    {
        foreach (var pin in _pins)
        {
            pin.Dispose();
        }

        foreach (var buffer in _gathered)
        {
            buffer.Dispose();
        }

        _pins.Clear();
        _gathered.Clear();
    }
}
