using Google.Protobuf;

namespace InferenceServer.ModelBuilder.Onnx;

/// <summary>
/// Builds a single-graph ONNX model: typed inputs and outputs, initializers and nodes in
/// topological order. Output is deterministic: the same calls produce the same bytes, because
/// nothing time-, machine- or version-dependent is written and node names are derived from
/// their position.
/// </summary>
/// <remarks>
/// A dimension of -1 becomes a symbolic dimension. Symbols are named by position ("batch" for
/// the first dimension, "dimN" after it) and shared by every value in the graph, which tells
/// ONNX Runtime that, say, the batch dimension of two inputs to an Add is the same.
/// </remarks>
internal sealed class OnnxModelBuilder
{
    /// <summary>IR version 8, the one ONNX 1.12 pairs with opset 17; ONNX Runtime loads it from 1.12 on.</summary>
    public const long IrVersion = 8;

    /// <summary>Opset 17 of the default domain covers every operator the samples use.</summary>
    public const long DefaultOpsetVersion = 17;

    public const string ProducerName = "InferenceServer.ModelBuilder";

    // A fixed string rather than the assembly version, so rebuilding the tool does not change the bytes.
    public const string ProducerVersion = "1";

    private readonly GraphProto _graph;
    private readonly long _opsetVersion;
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);

    public OnnxModelBuilder(string graphName, long opsetVersion = DefaultOpsetVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        ArgumentOutOfRangeException.ThrowIfLessThan(opsetVersion, 1);
        _graph = new GraphProto { Name = graphName };
        _opsetVersion = opsetVersion;
    }

    public string GraphName => _graph.Name;

    /// <summary>Declares a graph input. A dimension of -1 is symbolic.</summary>
    public OnnxModelBuilder AddInput(string name, TensorProto.Types.DataType elementType, params ReadOnlySpan<long> shape)
    {
        Define(name);
        _graph.Input.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>Declares a graph output; some node (or an input or initializer) must produce it.</summary>
    public OnnxModelBuilder AddOutput(string name, TensorProto.Types.DataType elementType, params ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _graph.Output.Add(ValueInfo(name, elementType, shape));
        return this;
    }

    /// <summary>Adds a constant tensor; its name must be unique among all values of the graph.</summary>
    public OnnxModelBuilder AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Define(tensor.Name);
        _graph.Initializer.Add(tensor);
        return this;
    }

    public OnnxModelBuilder AddInitializer(string name, ReadOnlySpan<float> values, params ReadOnlySpan<long> shape)
        => AddInitializer(OnnxTensors.Create(name, values, shape));

    public OnnxModelBuilder AddInitializer(string name, ReadOnlySpan<int> values, params ReadOnlySpan<long> shape)
        => AddInitializer(OnnxTensors.Create(name, values, shape));

    public OnnxModelBuilder AddInitializer(string name, ReadOnlySpan<long> values, params ReadOnlySpan<long> shape)
        => AddInitializer(OnnxTensors.Create(name, values, shape));

    /// <summary>
    /// Appends a node of the default domain. Every input must already be defined (graph input,
    /// initializer or an earlier node's output), which keeps the graph topologically sorted;
    /// an empty input name stands for an omitted optional input.
    /// </summary>
    public OnnxModelBuilder AddNode(string opType, string[] inputs, string[] outputs, params ReadOnlySpan<AttributeProto> attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);

        foreach (var input in inputs)
        {
            if (input.Length != 0 && !_values.Contains(input))
            {
                throw new InvalidOperationException($"Node {opType} reads '{input}', which no earlier input, initializer or node defines.");
            }
        }

        foreach (var output in outputs)
        {
            Define(output);
        }

        var node = new NodeProto
        {
            // Named by position so two builds of the same graph agree byte for byte.
            Name = $"{opType}_{_graph.Node.Count}",
            OpType = opType,
        };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var attribute in attributes)
        {
            node.Attribute.Add(attribute);
        }

        _graph.Node.Add(node);
        return this;
    }

    /// <summary>Returns a new <see cref="ModelProto"/>; the builder can keep being used.</summary>
    public ModelProto Build()
    {
        foreach (var output in _graph.Output)
        {
            if (!_values.Contains(output.Name))
            {
                throw new InvalidOperationException($"Graph output '{output.Name}' is not produced by any node, input or initializer.");
            }
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opsetVersion });
        return model;
    }

    public byte[] ToByteArray() => Build().ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/>, creating its directory.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllBytes(path, ToByteArray());
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_values.Add(name))
        {
            throw new InvalidOperationException($"The graph already defines a value named '{name}'.");
        }
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType elementType, ReadOnlySpan<long> shape)
    {
        if (elementType == TensorProto.Types.DataType.Undefined)
        {
            throw new ArgumentOutOfRangeException(nameof(elementType), "A graph value needs a concrete element type.");
        }

        var tensorShape = new TensorShapeProto();
        for (var i = 0; i < shape.Length; i++)
        {
            var dimension = new TensorShapeProto.Types.Dimension();
            if (shape[i] == -1)
            {
                dimension.DimParam = i == 0 ? "batch" : $"dim{i}";
            }
            else
            {
                ArgumentOutOfRangeException.ThrowIfNegative(shape[i], nameof(shape));
                dimension.DimValue = shape[i];
            }

            tensorShape.Dim.Add(dimension);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = tensorShape },
            },
        };
    }
}
