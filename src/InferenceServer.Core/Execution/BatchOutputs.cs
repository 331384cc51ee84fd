using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Execution;

/// <summary>
/// The outputs of one execution: those the batch's first request names (every output of the model when it names
/// none; a batch's requests ask for the same ones) and, when all their sizes are known before the run, one pooled
/// pinned buffer per output for the runtime to write into, then handed to the batch's requests. Scratch state of
/// one instance, reused by each execution: <see cref="Release"/> after every run.
/// </summary>
internal sealed class BatchOutputs
{
    private readonly ModelSignature _signature;
    private readonly PinnedBufferPool _pool;
    private readonly ModelTensorShapes _shapes;
    private readonly List<string> _names = [];
    private readonly List<TensorSpec> _specs = [];
    private readonly List<PinnedBuffer?> _buffers = [];
    private readonly List<long[]> _modelShapes = [];

    public BatchOutputs(ModelSignature signature, PinnedBufferPool pool, ModelTensorShapes shapes)
    {
        _signature = signature;
        _pool = pool;
        _shapes = shapes;
    }

    /// <summary>The selected outputs' names, in order.</summary>
    public IReadOnlyList<string> Names => _names;

    public int Count => _specs.Count;

    public TensorSpec Spec(int index) => _specs[index];

    /// <summary>Output <paramref name="index"/>'s preallocated buffer (after <see cref="TryPreallocate"/> succeeded).</summary>
    public PinnedBuffer Buffer(int index) => _buffers[index]!;

    /// <summary>Output <paramref name="index"/>'s shape as the model writes it (after <see cref="TryPreallocate"/> succeeded).</summary>
    public long[] ModelShape(int index) => _modelShapes[index];

    public void Select(InferenceRequest request)
    {
        var requested = request.RequestedOutputs;
        if (requested.Length == 0)
        {
            var outputs = _signature.Outputs;
            for (var i = 0; i < outputs.Count; i++)
            {
                _names.Add(outputs[i].Name);
                _specs.Add(outputs[i]);
            }
        }
        else
        {
            foreach (var output in requested)
            {
                _names.Add(output.Spec!.Name);
                _specs.Add(output.Spec);
            }
        }

        // A sequence model's implicit state is computed on every execution, asked for or not: the server carries it
        // to the sequence's next request (and takes it out of the answer unless the client asked for it).
        foreach (var state in _signature.StateOutputs)
        {
            if (!_names.Contains(state.Name))
            {
                _names.Add(state.Name);
                _specs.Add(state);
            }
        }
    }

    /// <summary>Rents a pooled buffer for every selected output when all their shapes are known before the run; false (renting nothing) otherwise.</summary>
    public bool TryPreallocate(long rows)
    {
        foreach (var spec in _specs)
        {
            if (!OutputShapes.HasKnownSize(spec))
            {
                return false;
            }
        }

        for (var slot = 0; slot < _specs.Count; slot++)
        {
            var spec = _specs[slot];
            var dims = _shapes.KnownOutput(spec, rows, slot);
            _modelShapes.Add(dims);
            long elements = 1;
            foreach (var d in dims)
            {
                elements = checked(elements * d);
            }

            _buffers.Add(_pool.Rent(checked((int)(elements * spec.DataType.ElementSize()))));
        }

        return true;
    }

    /// <summary>Hands each preallocated buffer, written by the run, to the batch's responses (each its slice).</summary>
    public void ScatterPreallocated(ReadOnlySpan<InferenceRequest> batch, long rows)
    {
        for (var i = 0; i < _specs.Count; i++)
        {
            var buffer = _buffers[i]!;
            _buffers[i] = null;
            OutputScatter.Scatter(batch, rows, _specs[i], _modelShapes[i], buffer, _signature.Batches);
        }
    }

    /// <summary>Returns the buffers not handed to a request (the run failed) to the pool and forgets the selection.</summary>
    public void Release()
    {
        foreach (var buffer in _buffers)
        {
            buffer?.Dispose();
        }

        _buffers.Clear();
        _modelShapes.Clear();
        _names.Clear();
        _specs.Clear();
    }
}
