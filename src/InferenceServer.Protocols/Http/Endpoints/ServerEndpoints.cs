using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary><c>/v2/health/live</c>, <c>/v2/health/ready</c> (200, else 400 as Triton) and server metadata <c>/v2</c>.</summary>
internal sealed class ServerEndpoints(ServerContext server)
{
    public Task Live(HttpContext context) => HttpResponses.WriteEmpty(context, server.IsLive ? 200 : 400);

    public Task Ready(HttpContext context) => HttpResponses.WriteEmpty(context, server.IsReady ? 200 : 400);

    public Task Metadata(HttpContext context)
    {
        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteServerMetadata(json.Writer, server.Options);
        return HttpResponses.WriteJson(context, json);
    }
}
