using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Benchmarks.Batching;

/// <summary>
/// Fills pooled requests of one row each for a batching model (<c>simple</c>: INPUT0, INPUT1 INT32 [1,16];
/// the MLP: INPUT0 FP32 [1,256]) over pinned input data rented once, as a front end would after parsing.
/// </summary>
internal sealed class BatchRequests : IDisposable
{
    private readonly TensorSpec[] _specs;
    private readonly PinnedBuffer[] _data;
    private readonly TensorShape[] _shapes;

    public BatchRequests(BenchmarkModel model, ModelSignature signature, PinnedBufferPool pool)
    {
        _specs = [.. signature.Inputs];
        _data = new PinnedBuffer[_specs.Length];
        _shapes = new TensorShape[_specs.Length];
        for (var i = 0; i < _specs.Length; i++)
        {
            var values = model == BenchmarkModel.Simple
                ? (i == 0 ? SimplePayloads.Input0Bytes : SimplePayloads.Input1Bytes)
                : Enumerable.Range(0, BenchmarkModels.MlpInputs).SelectMany(v => BitConverter.GetBytes(v / 256f)).ToArray();
            _data[i] = pool.Rent(values.Length);
            values.CopyTo(_data[i].Span);
            _shapes[i] = TensorShape.Create([1, .. _specs[i].Dimensions]);
        }
    }

    /// <summary>Adds the inputs to an empty (rented or reset) request; <see cref="InferenceRequest.BatchSize"/> is 1.</summary>
    public void Fill(InferenceRequest request)
    {
        for (var i = 0; i < _specs.Length; i++)
        {
            var spec = _specs[i];
            InferenceRequest.SetInputData(request.AddInput(spec.Name, spec.DataType, _shapes[i], spec), _data[i].Memory);
        }
    }

    public void Dispose()
    {
        foreach (var data in _data)
        {
            data.Dispose();
        }
    }
}
