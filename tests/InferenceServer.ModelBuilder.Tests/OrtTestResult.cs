using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.ModelBuilder.Tests;

/// <summary>The outputs of one run, by name; disposing it releases the native tensors.</summary>
internal sealed class OrtTestResult(IReadOnlyList<string> names, IDisposableReadOnlyCollection<OrtValue> values) : IDisposable
{
    public OrtValue this[string name]
    {
        get
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] == name)
                {
                    return values[i];
                }
            }

            throw new KeyNotFoundException(name);
        }
    }

    public long[] Shape(string name) => this[name].GetTensorTypeAndShape().Shape;

    public T[] Data<T>(string name)
        where T : unmanaged => this[name].GetTensorDataAsSpan<T>().ToArray();

    public string[] Strings(string name) => this[name].GetStringTensorAsArray();

    public void Dispose() => values.Dispose();
}
