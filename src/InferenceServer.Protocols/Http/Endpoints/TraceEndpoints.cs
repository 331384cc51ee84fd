using InferenceServer.Core.Inference;
using InferenceServer.Protocols.Tracing;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// <c>GET|POST /v2[/models/{m}]/trace/setting</c> (Triton's trace extension): reading is open to the data plane; a change
/// needs the control token. Both answer the settings in force for the scope. A POST to a model with an empty object
/// drops the model's own settings (it follows the server's again).
/// </summary>
internal sealed class TraceEndpoints(ServerContext server)
{
    public Task Read(HttpContext context, string? model)
    {
        if (TraceSettingsRequests.CheckModel(server, model) is { IsError: true } error)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        TraceSettingsJson.Write(json.Writer, server.Tracing.Read(model));
        return HttpResponses.WriteJson(context, json);
    }

    public async Task ChangeAsync(HttpContext context, string? model)
    {
        if (TraceSettingsRequests.CheckModel(server, model) is { IsError: true } unknown)
        {
            await HttpResponses.WriteError(context, unknown).ConfigureAwait(false);
            return;
        }

        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 64 << 10).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        string? error;
        using (body.Buffer)
        {
            error = TraceSettingsJson.TryRead(body.Bytes.Span, out var changes, out var parseError)
                ? server.Tracing.TryApply(model, changes)
                : parseError;
        }

        if (error is not null)
        {
            await HttpResponses.WriteError(context, InferenceError.InvalidArgument($"invalid trace settings: {error}")).ConfigureAwait(false);
            return;
        }

        await Read(context, model).ConfigureAwait(false);
    }
}
