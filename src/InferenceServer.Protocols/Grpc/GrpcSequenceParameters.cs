using Google.Protobuf.Collections;
using Inference;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling.Sequences;

namespace InferenceServer.Protocols.Grpc;

/// <summary>
/// Reads a request's sequence parameters as Triton's gRPC clients send them: <c>sequence_id</c> as an int64_param (&gt;= 0),
/// uint64_param or string_param; <c>sequence_start</c> and <c>sequence_end</c> as bool_params. Only a sequence model reads them.
/// </summary>
internal static class GrpcSequenceParameters
{
    public static InferenceError Read(MapField<string, InferParameter> parameters, InferenceRequest request)
    {
        if (parameters.TryGetValue("sequence_id", out var id))
        {
            switch (id.ParameterChoiceCase)
            {
                case InferParameter.ParameterChoiceOneofCase.Int64Param when id.Int64Param >= 0:
                    request.SequenceId = SequenceId.FromNumber((ulong)id.Int64Param);
                    break;
                case InferParameter.ParameterChoiceOneofCase.Uint64Param:
                    request.SequenceId = SequenceId.FromNumber(id.Uint64Param);
                    break;
                case InferParameter.ParameterChoiceOneofCase.StringParam:
                    request.SequenceId = SequenceId.FromText(id.StringParam);
                    break;
                default:
                    return InferenceError.InvalidArgument("parameter 'sequence_id' must be an int64_param (>= 0), uint64_param or string_param");
            }
        }

        var error = ReadFlag(parameters, "sequence_start", out var start);
        if (error.IsError)
        {
            return error;
        }

        error = ReadFlag(parameters, "sequence_end", out var end);
        request.SequenceStart = start;
        request.SequenceEnd = end;
        return error;
    }

    private static InferenceError ReadFlag(MapField<string, InferParameter> parameters, string name, out bool value)
    {
        value = false;
        if (!parameters.TryGetValue(name, out var parameter))
        {
            return InferenceError.None;
        }

        if (parameter.ParameterChoiceCase != InferParameter.ParameterChoiceOneofCase.BoolParam)
        {
            return InferenceError.InvalidArgument($"parameter '{name}' must be a bool_param");
        }

        value = parameter.BoolParam;
        return InferenceError.None;
    }
}
