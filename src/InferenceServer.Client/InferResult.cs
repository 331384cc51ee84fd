using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client;

/// <summary>
/// An inference response whose output tensors live in one pooled buffer: <see cref="GetOutput{T}"/> returns spans over
/// it, valid until <see cref="Dispose"/> hands the buffer back. Dispose every result (a <c>using</c>); reading one
/// after disposing it throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed class InferResult : IDisposable
{
    private readonly IReadOnlyList<InferOutput> _outputs;
    private byte[]? _buffer;

    internal InferResult(string modelName, string modelVersion, string id, IReadOnlyList<InferOutput> outputs, byte[] buffer)
    {
        ModelName = modelName;
        ModelVersion = modelVersion;
        Id = id;
        _outputs = outputs;
        _buffer = buffer;
    }

    /// <summary>The model that answered.</summary>
    public string ModelName { get; }

    /// <summary>The version that answered (the one the server's version or traffic policy picked when the request named none).</summary>
    public string ModelVersion { get; }

    /// <summary>The request's id, echoed; "" when it had none.</summary>
    public string Id { get; }

    /// <summary>The outputs, in the server's order.</summary>
    public IReadOnlyList<InferOutput> Outputs => _outputs;

    /// <summary>The output called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The response has no such output.</exception>
    public InferOutput GetOutputInfo(string name)
    {
        foreach (var output in _outputs)
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        throw new KeyNotFoundException($"the response has no output '{name}'");
    }

    /// <summary>The elements of output <paramref name="name"/>, read in place from the pooled buffer.</summary>
    /// <exception cref="InvalidOperationException">The output's datatype is not <typeparamref name="T"/>'s (<see cref="TensorDataType.Of{T}"/>).</exception>
    public ReadOnlySpan<T> GetOutput<T>(string name)
        where T : unmanaged
    {
        var output = GetOutputInfo(name);
        var expected = TensorDataType.Of<T>();
        if (output.DataType != expected)
        {
            throw new InvalidOperationException($"output '{name}' is {output.DataType}, not {expected}");
        }

        return MemoryMarshal.Cast<byte, T>(Bytes(output));
    }

    /// <summary>The wire bytes of output <paramref name="name"/> (little-endian elements; BYTES as length-prefixed elements).</summary>
    public ReadOnlySpan<byte> GetOutputBytes(string name) => Bytes(GetOutputInfo(name));

    /// <summary>A <c>BYTES</c> output's elements decoded as UTF-8 strings.</summary>
    public string[] GetStrings(string name)
    {
        var data = BytesOutput(name);
        var values = new string[CountElements(data)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Encoding.UTF8.GetString(NextElement(ref data));
        }

        return values;
    }

    /// <summary>A <c>BYTES</c> output's elements, each copied into its own array.</summary>
    public byte[][] GetByteStrings(string name)
    {
        var data = BytesOutput(name);
        var values = new byte[CountElements(data)][];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = NextElement(ref data).ToArray();
        }

        return values;
    }

    /// <summary>Hands the response's buffer back to the pool; spans read from this result must no longer be used.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ReadOnlySpan<byte> Bytes(InferOutput output)
    {
        var buffer = _buffer;
        ObjectDisposedException.ThrowIf(buffer is null, this);
        return buffer.AsSpan(output.Offset, output.Length);
    }

    private ReadOnlySpan<byte> BytesOutput(string name)
    {
        var output = GetOutputInfo(name);
        if (output.DataType != TensorDataType.Bytes)
        {
            throw new InvalidOperationException($"output '{name}' is {output.DataType}, not BYTES");
        }

        return Bytes(output);
    }

    private static int CountElements(ReadOnlySpan<byte> data)
    {
        var count = 0;
        while (!data.IsEmpty)
        {
            NextElement(ref data);
            count++;
        }

        return count;
    }

    private static ReadOnlySpan<byte> NextElement(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(data) is var length && length > (uint)(data.Length - 4))
        {
            throw new InvalidDataException("a BYTES output's element runs past the tensor's end");
        }

        var element = data.Slice(4, (int)length);
        data = data[(4 + (int)length)..];
        return element;
    }
}
