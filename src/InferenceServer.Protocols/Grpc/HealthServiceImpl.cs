using Grpc.Core;
using Grpc.Health.V1;

namespace InferenceServer.Protocols.Grpc;

/// <summary><c>grpc.health.v1.Health/Check</c>: SERVING when the server is ready (Triton serves Check only).</summary>
public sealed class HealthServiceImpl : Health.HealthBase
{
    private readonly ServerContext _server;

    public HealthServiceImpl(ServerContext server)
    {
        _server = server;
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        Task.FromResult(new HealthCheckResponse
        {
            Status = _server.IsReady ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing,
        });
}
