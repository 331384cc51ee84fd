using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using InferenceServer.Client.Tensors;

namespace InferenceServer.Client;

/// <summary>
/// One inference request: the model, its inputs, the outputs wanted and request parameters. Inputs given as memory
/// (<see cref="ReadOnlyMemory{T}"/>, <see cref="AddRawInput"/>) are sent from the caller's memory without a copy, so
/// that memory must stay unchanged until the call completes; inputs given as spans or strings are copied once into
/// pooled buffers that <see cref="Dispose"/> returns. A request may be sent any number of times, over either protocol.
/// Not thread-safe to build; safe to send concurrently once built.
/// </summary>
public sealed class InferRequest : IDisposable
{
    private readonly List<InferInput> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly List<InferParameter> _parameters = [];
    private bool _disposed;
    private string _id = "";
    private string? _routingKey;

    /// <summary>A request for <paramref name="modelName"/>, at <paramref name="modelVersion"/> or ("" ) the version the server's policy picks.</summary>
    public InferRequest(string modelName, string modelVersion = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(modelVersion);
        ModelName = modelName;
        ModelVersion = modelVersion;
    }

    /// <summary>The model to run.</summary>
    public string ModelName { get; }

    /// <summary>The explicit model version; "" lets the server's version policy (and traffic policy) pick.</summary>
    public string ModelVersion { get; }

    /// <summary>An id the server echoes in the response; "" for none.</summary>
    public string Id
    {
        get => _id;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _id = value;
            Changed();
        }
    }

    /// <summary>
    /// The sticky-routing key for a model with a canary traffic policy: sent as the <c>x-routing-key</c> header over
    /// HTTP and as the <c>routing_key</c> request parameter over gRPC. Null for none.
    /// </summary>
    public string? RoutingKey
    {
        get => _routingKey;
        set
        {
            _routingKey = value;
            Changed();
        }
    }

    internal IReadOnlyList<InferInput> Inputs => _inputs;

    /// <summary>
    /// The HTTP JSON header (binary or JSON form) and the gRPC message without its tensor bytes, built on first send and
    /// kept until the request changes: a request sent many times (a load generator's) is described once.
    /// </summary>
    internal byte[]? HttpBinaryHeader { get; set; }

    internal byte[]? HttpJsonHeader { get; set; }

    internal byte[]? GrpcHeader { get; set; }

    internal IReadOnlyList<string> RequestedOutputs => _outputs;

    internal IReadOnlyList<InferParameter> Parameters => _parameters;

    /// <summary>Adds an input whose elements are the caller's memory, sent without a copy.</summary>
    /// <param name="shape">The tensor's shape; its element count must equal <paramref name="data"/>'s length.</param>
    public InferRequest AddInput<T>(string name, ReadOnlyMemory<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var dataType = TensorDataType.Of<T>();
        CheckCount(name, shape, data.Length);
        ReadOnlyMemory<byte> bytes = typeof(T) == typeof(byte)
            ? Unsafe.As<ReadOnlyMemory<T>, ReadOnlyMemory<byte>>(ref data)
            : new CastMemoryManager<T>(data).Memory;
        return Add(new InferInput(name, dataType, shape.ToArray(), bytes, null));
    }

    /// <summary>Adds an input copied from <paramref name="data"/> into a pooled buffer (returned by <see cref="Dispose"/>).</summary>
    /// <param name="shape">The tensor's shape; its element count must equal <paramref name="data"/>'s length.</param>
    public InferRequest AddInput<T>(string name, ReadOnlySpan<T> data, params ReadOnlySpan<long> shape)
        where T : unmanaged
    {
        var dataType = TensorDataType.Of<T>();
        CheckCount(name, shape, data.Length);
        var bytes = MemoryMarshal.AsBytes(data);
        var pooled = ArrayPool<byte>.Shared.Rent(Math.Max(1, bytes.Length));
        bytes.CopyTo(pooled);
        return Add(new InferInput(name, dataType, shape.ToArray(), pooled.AsMemory(0, bytes.Length), pooled));
    }

    /// <summary>Adds an input from an array (sent from the array itself, without a copy).</summary>
    public InferRequest AddInput<T>(string name, T[] data, params ReadOnlySpan<long> shape)
        where T : unmanaged
        => AddInput(name, new ReadOnlyMemory<T>(data), shape);

    /// <summary>Adds a <c>BYTES</c> input of UTF-8 strings, encoded once into a pooled buffer.</summary>
    public InferRequest AddInput(string name, string[] values, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckCount(name, shape, values.Length);
        var size = 0;
        foreach (var value in values)
        {
            size += 4 + Encoding.UTF8.GetByteCount(value);
        }

        var pooled = ArrayPool<byte>.Shared.Rent(Math.Max(1, size));
        var offset = 0;
        foreach (var value in values)
        {
            var length = Encoding.UTF8.GetBytes(value, pooled.AsSpan(offset + 4));
            BinaryPrimitives.WriteUInt32LittleEndian(pooled.AsSpan(offset), (uint)length);
            offset += 4 + length;
        }

        return Add(new InferInput(name, TensorDataType.Bytes, shape.ToArray(), pooled.AsMemory(0, size), pooled));
    }

    /// <summary>Adds a <c>BYTES</c> input of arbitrary byte strings, copied once into a pooled buffer.</summary>
    public InferRequest AddInput(string name, byte[][] values, params ReadOnlySpan<long> shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckCount(name, shape, values.Length);
        var size = 0;
        foreach (var value in values)
        {
            size += 4 + value.Length;
        }

        var pooled = ArrayPool<byte>.Shared.Rent(Math.Max(1, size));
        var offset = 0;
        foreach (var value in values)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(pooled.AsSpan(offset), (uint)value.Length);
            value.CopyTo(pooled, offset + 4);
            offset += 4 + value.Length;
        }

        return Add(new InferInput(name, TensorDataType.Bytes, shape.ToArray(), pooled.AsMemory(0, size), pooled));
    }

    /// <summary>
    /// Adds an input already in wire form: little-endian, row-major elements of <paramref name="dataType"/> (for
    /// <c>BYTES</c>, each element as a little-endian uint32 length and its bytes). Sent without a copy.
    /// </summary>
    public InferRequest AddRawInput(string name, string dataType, ReadOnlyMemory<byte> data, params ReadOnlySpan<long> shape)
    {
        var size = TensorDataType.ElementSize(dataType);
        if (size < 0)
        {
            throw new ArgumentException($"'{dataType}' is not a protocol datatype", nameof(dataType));
        }

        if (size > 0)
        {
            CheckCount(name, shape, data.Length / size);
            if (data.Length % size != 0)
            {
                throw new ArgumentException($"input '{name}': {data.Length} bytes is not a whole number of {dataType} elements", nameof(data));
            }
        }

        return Add(new InferInput(name, dataType, shape.ToArray(), data, null));
    }

    /// <summary>Asks for <paramref name="name"/> among the outputs; a request that asks for none gets every output.</summary>
    public InferRequest AddOutput(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ThrowIfDisposed();
        _outputs.Add(name);
        Changed();
        return this;
    }

    /// <summary>Sets a string request parameter (for example <c>sequence_id</c> of a string-keyed sequence).</summary>
    public InferRequest SetParameter(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetParameter(new InferParameter(name, value, 0, null));
    }

    /// <summary>Sets an integer request parameter (<c>sequence_id</c>, <c>priority</c>, <c>timeout</c> in microseconds).</summary>
    public InferRequest SetParameter(string name, long value) => SetParameter(new InferParameter(name, null, value, null));

    /// <summary>Sets a boolean request parameter (<c>sequence_start</c>, <c>sequence_end</c>).</summary>
    public InferRequest SetParameter(string name, bool value) => SetParameter(new InferParameter(name, null, 0, value));

    /// <summary>Returns the pooled buffers that span and string inputs were copied into. The request cannot be sent afterwards.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var input in _inputs)
        {
            if (input.Pooled is { } pooled)
            {
                ArrayPool<byte>.Shared.Return(pooled);
            }
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private InferRequest SetParameter(InferParameter parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter.Name);
        for (var i = 0; i < _parameters.Count; i++)
        {
            if (_parameters[i].Name == parameter.Name)
            {
                _parameters[i] = parameter;
                Changed();
                return this;
            }
        }

        _parameters.Add(parameter);
        Changed();
        return this;
    }

    private InferRequest Add(InferInput input)
    {
        ThrowIfDisposed();
        _inputs.Add(input);
        Changed();
        return this;
    }

    private void Changed()
    {
        HttpBinaryHeader = null;
        HttpJsonHeader = null;
        GrpcHeader = null;
    }

    private static void CheckCount(string name, ReadOnlySpan<long> shape, long count)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        long elements = 1;
        foreach (var dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"input '{name}': a request's shape has no dynamic dims, got {dim}", nameof(shape));
            }

            elements *= dim;
        }

        if (elements != count)
        {
            throw new ArgumentException($"input '{name}': shape [{string.Join(",", shape.ToArray())}] holds {elements} elements but {count} were given", nameof(shape));
        }
    }
}
