using InferenceServer.Core.Inference;
using InferenceServer.Protocols.Logging;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary><c>GET|POST /v2/logging</c>: reading is open to the data plane; a change needs the control token. Both answer the settings in force.</summary>
internal sealed class LoggingEndpoints(ServerContext server)
{
    public Task Read(HttpContext context)
    {
        var json = JsonResponseBuffer.Rent();
        LogSettingsJson.Write(json.Writer, server.Logging.Current);
        return HttpResponses.WriteJson(context, json);
    }

    public async Task ChangeAsync(HttpContext context)
    {
        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 64 << 10).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        string? error;
        using (body.Buffer)
        {
            error = LogSettingsJson.TryRead(body.Bytes.Span, out var changes, out var parseError)
                ? server.Logging.TryApply(changes)
                : parseError;
        }

        if (error is not null)
        {
            await HttpResponses.WriteError(context, InferenceError.InvalidArgument($"invalid log settings: {error}")).ConfigureAwait(false);
            return;
        }

        await Read(context).ConfigureAwait(false);
    }
}
