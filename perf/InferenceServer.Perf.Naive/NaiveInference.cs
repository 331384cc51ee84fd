using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InferenceServer.Perf.Naive;

/// <summary>
/// What wrapping a notebook model in a web API usually looks like: the request's numbers into
/// <see cref="DenseTensor{T}"/>s, <see cref="NamedOnnxValue"/>s, <c>session.Run</c> on the request thread, every
/// output copied back into a list for the JSON response. No pooling, no batching, no queue.
/// </summary>
internal static class NaiveInference
{
    public static InferResponse Run(string model, InferenceSession session, InferRequest request)
    {
        var inputs = new List<NamedOnnxValue>();
        foreach (var input in request.Inputs)
        {
            var dimensions = input.Shape.Select(d => (int)d).ToArray();
            inputs.Add(input.Datatype switch
            {
                "FP32" => NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<float>(input.Data.Select(v => (float)v).ToArray(), dimensions)),
                "INT32" => NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<int>(input.Data.Select(v => (int)v).ToArray(), dimensions)),
                "INT64" => NamedOnnxValue.CreateFromTensor(input.Name, new DenseTensor<long>(input.Data.Select(v => (long)v).ToArray(), dimensions)),
                _ => throw new BadHttpRequestException($"unsupported datatype {input.Datatype}"),
            });
        }

        using var results = session.Run(inputs);
        var outputs = new List<InferOutput>();
        foreach (var result in results)
        {
            outputs.Add(result.Value switch
            {
                Tensor<float> t => new InferOutput(result.Name, "FP32", Shape(t.Dimensions), t.Select(v => (double)v).ToArray()),
                Tensor<int> t => new InferOutput(result.Name, "INT32", Shape(t.Dimensions), t.Select(v => (double)v).ToArray()),
                Tensor<long> t => new InferOutput(result.Name, "INT64", Shape(t.Dimensions), t.Select(v => (double)v).ToArray()),
                _ => throw new InvalidOperationException($"output {result.Name}: unsupported type"),
            });
        }

        return new InferResponse(model, outputs);
    }

    private static long[] Shape(ReadOnlySpan<int> dimensions)
    {
        var shape = new long[dimensions.Length];
        for (var i = 0; i < shape.Length; i++)
        {
            shape[i] = dimensions[i];
        }

        return shape;
    }
}
