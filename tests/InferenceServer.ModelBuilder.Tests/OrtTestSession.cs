using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.ModelBuilder.Tests;

/// <summary>
/// Loads model bytes into an ONNX Runtime CPU session and runs it with named inputs, so each
/// test states only its tensors and expectations.
/// </summary>
internal sealed class OrtTestSession : IDisposable
{
    private readonly InferenceSession _session;

    public OrtTestSession(byte[] model)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        _session = new InferenceSession(model, options);
    }

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>Runs the model and returns every output by name; the caller disposes the result.</summary>
    public OrtTestResult Run(params (string Name, OrtValue Value)[] inputs)
    {
        var outputNames = _session.OutputNames;
        using var runOptions = new RunOptions();
        var outputs = _session.Run(runOptions, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), outputNames);
        return new OrtTestResult(outputNames, outputs);
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Creates a string tensor of <paramref name="shape"/> from row-major values.</summary>
    public static OrtValue StringTensor(string[] values, params long[] shape)
    {
        var tensor = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shape);
        for (var i = 0; i < values.Length; i++)
        {
            tensor.StringTensorSetElementAt(values[i], i);
        }

        return tensor;
    }
}
