using System.Globalization;
using System.Text;
using DataType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.ModelBuilder.Repository;

/// <summary>
/// Writes a Triton <c>config.pbtxt</c> in protobuf text format, laid out the way Triton's own
/// example repository lays it out (one field per line, two-space indent, LF line endings), so
/// the files read like the ones users already know and regenerate byte for byte.
/// </summary>
internal sealed class ModelConfigText
{
    public const string OnnxRuntimePlatform = "onnxruntime_onnx";

    private readonly List<string> _comments = [];
    private readonly List<Tensor> _inputs = [];
    private readonly List<Tensor> _outputs = [];
    private readonly string _name;
    private readonly string _platform;
    private readonly int _maxBatchSize;
    private int? _maxQueueDelayMicroseconds;
    private (int Count, string Kind)? _instanceGroup;

    public ModelConfigText(string name, int maxBatchSize, string platform = OnnxRuntimePlatform)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBatchSize);
        _name = name;
        _maxBatchSize = maxBatchSize;
        _platform = platform;
    }

    /// <summary>Adds a <c># </c> comment line; comments come first in the file.</summary>
    public ModelConfigText Comment(string text)
    {
        _comments.Add(text);
        return this;
    }

    /// <summary>Adds an input; <paramref name="dims"/> exclude the batch dimension when max_batch_size &gt; 0.</summary>
    public ModelConfigText Input(string name, DataType dataType, params ReadOnlySpan<long> dims)
    {
        _inputs.Add(new Tensor(name, TritonDataTypes.ToConfigName(dataType), dims.ToArray()));
        return this;
    }

    public ModelConfigText Output(string name, DataType dataType, params ReadOnlySpan<long> dims)
    {
        _outputs.Add(new Tensor(name, TritonDataTypes.ToConfigName(dataType), dims.ToArray()));
        return this;
    }

    public ModelConfigText DynamicBatching(int maxQueueDelayMicroseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxQueueDelayMicroseconds);
        _maxQueueDelayMicroseconds = maxQueueDelayMicroseconds;
        return this;
    }

    public ModelConfigText InstanceGroup(int count, string kind = "KIND_CPU")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _instanceGroup = (count, kind);
        return this;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var comment in _comments)
        {
            Line(text, 0, $"# {comment}");
        }

        Line(text, 0, $"name: {Quote(_name)}");
        Line(text, 0, $"platform: {Quote(_platform)}");
        Line(text, 0, $"max_batch_size: {_maxBatchSize.ToString(CultureInfo.InvariantCulture)}");
        AppendTensors(text, "input", _inputs);
        AppendTensors(text, "output", _outputs);

        if (_maxQueueDelayMicroseconds is { } delay)
        {
            Line(text, 0, "dynamic_batching {");
            Line(text, 1, $"max_queue_delay_microseconds: {delay.ToString(CultureInfo.InvariantCulture)}");
            Line(text, 0, "}");
        }

        if (_instanceGroup is { } group)
        {
            Line(text, 0, "instance_group [");
            Line(text, 1, "{");
            Line(text, 2, $"count: {group.Count.ToString(CultureInfo.InvariantCulture)}");
            Line(text, 2, $"kind: {group.Kind}");
            Line(text, 1, "}");
            Line(text, 0, "]");
        }

        return text.ToString();
    }

    private static void AppendTensors(StringBuilder text, string field, List<Tensor> tensors)
    {
        if (tensors.Count == 0)
        {
            return;
        }

        Line(text, 0, $"{field} [");
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i];
            Line(text, 1, "{");
            Line(text, 2, $"name: {Quote(tensor.Name)}");
            Line(text, 2, $"data_type: {tensor.DataType}");
            var dims = string.Join(", ", tensor.Dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));
            Line(text, 2, dims.Length == 0 ? "dims: [ ]" : $"dims: [ {dims} ]");
            Line(text, 1, i == tensors.Count - 1 ? "}" : "},");
        }

        Line(text, 0, "]");
    }

    // Explicit '\n' rather than AppendLine, whose Environment.NewLine would make the files differ by OS.
    private static void Line(StringBuilder text, int indent, string line)
        => text.Append(' ', indent * 2).Append(line).Append('\n');

    private static string Quote(string value)
        => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private sealed record Tensor(string Name, string DataType, long[] Dims);
}
