using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Traffic;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// <c>GET|PUT /v2/models/{m}/traffic</c>: the traffic policy in force, and a new one in traffic.json's format (authorized
/// like load and unload). A change answers the policy in force.
/// </summary>
internal sealed class TrafficEndpoints(ServerContext server)
{
    public Task Read(HttpContext context, string name)
    {
        if (!server.Models.Table.Models.TryGetValue(name, out var entry))
        {
            return HttpResponses.WriteError(context, InferenceError.NotFound($"Request for unknown model: '{ModelNames.Printable(name)}' is not found"));
        }

        var json = JsonResponseBuffer.Rent();
        TrafficJson.Write(json.Writer, name, entry.Traffic);
        return HttpResponses.WriteJson(context, json);
    }

    public async Task ChangeAsync(HttpContext context, string name)
    {
        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        TrafficPolicy? policy;
        string parseError;
        using (body.Buffer)
        {
            if (!TrafficPolicyJson.TryParse(body.Bytes.Span, out policy, out parseError))
            {
                await HttpResponses.WriteError(context, InferenceError.InvalidArgument($"invalid traffic policy for '{name}': {parseError}")).ConfigureAwait(false);
                return;
            }
        }

        var error = await server.Traffic.SetPolicyAsync(name, policy).ConfigureAwait(false);
        if (error.IsError)
        {
            await HttpResponses.WriteError(context, error).ConfigureAwait(false);
            return;
        }

        await Read(context, name).ConfigureAwait(false);
    }
}
