using System.Text;
using Google.Protobuf;

namespace InferenceServer.ModelBuilder.Onnx;

/// <summary>
/// Creates node attributes with the <c>type</c> discriminator set, which ONNX requires from
/// IR version 2 on and which ONNX Runtime checks.
/// </summary>
internal static class OnnxAttributes
{
    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFrom(value, Encoding.UTF8) };

    public static AttributeProto Tensor(string name, TensorProto value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto Ints(string name, params ReadOnlySpan<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        foreach (var value in values)
        {
            attribute.Ints.Add(value);
        }

        return attribute;
    }

    public static AttributeProto Floats(string name, params ReadOnlySpan<float> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        foreach (var value in values)
        {
            attribute.Floats.Add(value);
        }

        return attribute;
    }

    /// <summary>The <c>to</c> attribute of Cast, typed so the element type cannot be confused with an int.</summary>
    public static AttributeProto CastTo(TensorProto.Types.DataType type) => Int("to", (long)type);
}
