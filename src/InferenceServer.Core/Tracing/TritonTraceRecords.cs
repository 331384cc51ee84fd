using System.Diagnostics;
using System.Text.Json;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// One trace as Triton's trace file holds it (what <c>trace_summary.py</c> reads): an object naming the model, an
/// object with the timestamps in nanoseconds of the steady clock, and with TENSORS one object per input
/// (<c>TENSOR_QUEUE_INPUT</c>) and per output (<c>TENSOR_BACKEND_OUTPUT</c>).
/// <code>
/// {"id":1,"model_name":"m","model_version":1,"request_id":"r"},
/// {"id":1,"timestamps":[{"name":"HTTP_RECV_START","ns":…},{"name":"HTTP_RECV_END","ns":…},{"name":"REQUEST_START","ns":…},
///   {"name":"QUEUE_START","ns":…},{"name":"COMPUTE_START","ns":…},{"name":"COMPUTE_INPUT_END","ns":…},
///   {"name":"COMPUTE_OUTPUT_START","ns":…},{"name":"COMPUTE_END","ns":…},{"name":"REQUEST_END","ns":…},
///   {"name":"HTTP_SEND_START","ns":…},{"name":"HTTP_SEND_END","ns":…}]}
/// </code>
/// gRPC's receive and send are <c>GRPC_WAITREAD_START/END</c> and <c>GRPC_SEND_START/END</c>. A stage the request never
/// reached (refused before the queue) has no timestamps.
/// </summary>
internal static class TritonTraceRecords
{
    public static void Write(Utf8JsonWriter writer, RequestTrace trace, InferenceRequest request)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id"u8, trace.Id);
        writer.WriteString("model_name"u8, trace.Model);
        writer.WriteNumber("model_version"u8, trace.Version);
        writer.WriteString("request_id"u8, request.Id);
        writer.WriteEndObject();

        if ((trace.Settings.Level & TraceLevel.Timestamps) != 0)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id"u8, trace.Id);
            writer.WriteStartArray("timestamps"u8);
            var (receive, send) = trace.Protocol switch
            {
                TraceProtocol.Http => ("HTTP_RECV", "HTTP_SEND"),
                TraceProtocol.Grpc => ("GRPC_WAITREAD", "GRPC_SEND"),
                _ => (null, null),
            };
            if (receive is not null)
            {
                Stamp(writer, receive + "_START", trace.Received);
                Stamp(writer, receive + "_END", trace.Started);
            }

            Stamp(writer, "REQUEST_START", trace.Started);
            Stamp(writer, "QUEUE_START", request.QueuedTimestamp);
            Stamp(writer, "COMPUTE_START", trace.ComputeStart);
            Stamp(writer, "COMPUTE_INPUT_END", trace.ComputeInputEnd);
            Stamp(writer, "COMPUTE_OUTPUT_START", trace.ComputeOutputStart);
            Stamp(writer, "COMPUTE_END", trace.ComputeEnd);
            Stamp(writer, "REQUEST_END", trace.Answering);
            if (send is not null)
            {
                Stamp(writer, send + "_START", trace.Answering);
                Stamp(writer, send + "_END", trace.Answered);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        if ((trace.Settings.Level & TraceLevel.Tensors) != 0)
        {
            foreach (var input in request.Inputs)
            {
                Tensor(writer, trace.Id, "TENSOR_QUEUE_INPUT", input.Name, input.DataType, input.Shape, input.Data.Span);
            }

            foreach (var output in request.Outputs)
            {
                Tensor(writer, trace.Id, "TENSOR_BACKEND_OUTPUT", output.Name, output.DataType, output.Shape, output.Data.Span);
            }
        }
    }

    /// <summary>Nanoseconds of the steady clock (Triton's traces use it too), from a Stopwatch timestamp.</summary>
    public static long Nanoseconds(long timestamp) => (long)(timestamp * (1_000_000_000.0 / Stopwatch.Frequency));

    private static void Stamp(Utf8JsonWriter writer, string name, long timestamp)
    {
        if (timestamp == 0)
        {
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("name"u8, name);
        writer.WriteNumber("ns"u8, Nanoseconds(timestamp));
        writer.WriteEndObject();
    }

    private static void Tensor(Utf8JsonWriter writer, long id, string activity, string name, DataType type, in TensorShape shape, ReadOnlySpan<byte> data)
    {
        writer.WriteStartObject();
        writer.WriteNumber("id"u8, id);
        writer.WriteString("activity"u8, activity);
        writer.WriteStartObject("tensor"u8);
        writer.WriteString("name"u8, name);
        writer.WriteString("data"u8, TraceTensorText.Data(type, data));
        writer.WriteString("shape"u8, TraceTensorText.Shape(shape));
        writer.WriteString("dtype"u8, type.ToProtocolString());
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
