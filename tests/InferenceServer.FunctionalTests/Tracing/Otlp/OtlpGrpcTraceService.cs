using Grpc.Core;

namespace InferenceServer.FunctionalTests.Tracing.Otlp;

/// <summary>OTLP/gRPC's <c>TraceService/Export</c>, into the receiver.</summary>
internal sealed class OtlpGrpcTraceService(OtlpReceiver receiver) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context)
    {
        receiver.Add(request);
        return Task.FromResult(new ExportTraceServiceResponse());
    }
}
