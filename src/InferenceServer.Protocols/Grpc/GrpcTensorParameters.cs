using Google.Protobuf.Collections;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Classification;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// A tensor's parameters over gRPC: <c>shared_memory_region</c> (string_param), <c>shared_memory_offset</c> and
/// <c>shared_memory_byte_size</c> (int64_param ≥ 0, or uint64_param), and an output's <c>classification</c>
/// (int64_param &gt; 0; also accepted under <c>class_count</c>, the client argument's name).
/// </summary>
internal static class GrpcTensorParameters
{
    public const string ClassCountAlias = "class_count";

    /// <summary>Reads the shared-memory parameters; <paramref name="reference"/> is null when the tensor names no region.</summary>
    /// <param name="kind">"input" or "output", with <paramref name="name"/> for messages (formatted only on a refusal or a region).</param>
    public static InferenceError ReadSharedMemory(MapField<string, InferParameter> parameters, string kind, string name, out SharedMemoryReference? reference)
    {
        reference = null;
        if (parameters.Count == 0 || !parameters.TryGetValue(SharedMemoryTensors.RegionParameter, out var region))
        {
            return InferenceError.None;
        }

        var tensor = $"{kind} '{name}'";
        if (region.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.StringParam || region.StringParam.Length == 0)
        {
            return InferenceError.InvalidArgument($"{tensor} {SharedMemoryTensors.RegionParameter} must be a non-empty string_param");
        }

        long offset = 0;
        if (parameters.TryGetValue(SharedMemoryTensors.OffsetParameter, out var given) && !TryGetSize(given, out offset))
        {
            return InferenceError.InvalidArgument($"{tensor} {SharedMemoryTensors.OffsetParameter} must be an int64_param >= 0 or a uint64_param");
        }

        if (!parameters.TryGetValue(SharedMemoryTensors.ByteSizeParameter, out given))
        {
            return SharedMemoryTensors.MissingByteSize(tensor);
        }

        if (!TryGetSize(given, out var byteSize))
        {
            return InferenceError.InvalidArgument($"{tensor} {SharedMemoryTensors.ByteSizeParameter} must be an int64_param >= 0 or a uint64_param");
        }

        reference = new SharedMemoryReference(region.StringParam, offset, byteSize);
        return InferenceError.None;
    }

    /// <summary>Reads an output's class count (0 when not asked for).</summary>
    public static InferenceError ReadClassCount(MapField<string, InferParameter> parameters, string output, out int classes)
    {
        classes = 0;
        if (parameters.Count == 0
            || (!parameters.TryGetValue(TopKClasses.Parameter, out var parameter) && !parameters.TryGetValue(ClassCountAlias, out parameter)))
        {
            return InferenceError.None;
        }

        if (!TryGetSize(parameter, out var k) || k == 0)
        {
            return InferenceError.InvalidArgument($"output '{output}' classification must be an int64_param > 0 (the number of classes to return)");
        }

        classes = (int)Math.Min(k, int.MaxValue);
        return InferenceError.None;
    }

    private static bool TryGetSize(InferParameter parameter, out long value)
    {
        switch (parameter.ParameterChoiceCase)
        {
            case InferParameter.ParameterChoiceOneofCase.Int64Param when parameter.Int64Param >= 0:
                value = parameter.Int64Param;
                return true;
            case InferParameter.ParameterChoiceOneofCase.Uint64Param when parameter.Uint64Param <= long.MaxValue:
                value = (long)parameter.Uint64Param;
                return true;
            default:
                value = 0;
                return false;
        }
    }
}
