using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// The model repository extension: <c>POST /v2/repository/index</c>, <c>…/models/{m}/load</c> and <c>…/unload</c>.
/// Load and unload arrive here authorized (<see cref="Authorization.AuthorizationTable"/>).
/// </summary>
internal sealed class RepositoryEndpoints(ServerContext server)
{
    public async Task IndexAsync(HttpContext context)
    {
        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        var readyOnly = false;
        using (body.Buffer)
        {
            if (body.Length > 0)
            {
                try
                {
                    using var document = JsonDocument.Parse(body.Bytes);
                    if (document.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        await HttpResponses.WriteError(context, 400, "the repository index request body must be a JSON object").ConfigureAwait(false);
                        return;
                    }

                    if (document.RootElement.TryGetProperty("ready", out var ready))
                    {
                        if (ready.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                        {
                            await HttpResponses.WriteError(context, 400, "'ready' must be a boolean").ConfigureAwait(false);
                            return;
                        }

                        readyOnly = ready.GetBoolean();
                    }
                }
                catch (JsonException ex)
                {
                    await HttpResponses.WriteError(context, 400, $"failed to parse the request JSON: {ex.Message}").ConfigureAwait(false);
                    return;
                }
            }
        }

        var json = JsonResponseBuffer.Rent();
        MetadataJson.WriteRepositoryIndex(json.Writer, server.Models.Index(readyOnly));
        await HttpResponses.WriteJson(context, json).ConfigureAwait(false);
    }

    public async Task LoadAsync(HttpContext context, string name)
    {
        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 16 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        global::Inference.ModelConfig? configOverride;
        using (body.Buffer)
        {
            var parsed = RepositoryControlJson.ReadLoadParameters(body.Bytes.Span, name, out configOverride);
            if (parsed.IsError)
            {
                await HttpResponses.WriteError(context, parsed).ConfigureAwait(false);
                return;
            }
        }

        var error = await server.Lifecycle.LoadAsync(name, configOverride).ConfigureAwait(false);
        await (error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200)).ConfigureAwait(false);
    }

    public async Task UnloadAsync(HttpContext context, string name)
    {
        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, 1 << 20).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        bool unloadDependents;
        using (body.Buffer)
        {
            var parsed = RepositoryControlJson.ReadUnloadParameters(body.Bytes.Span, out unloadDependents);
            if (parsed.IsError)
            {
                await HttpResponses.WriteError(context, parsed).ConfigureAwait(false);
                return;
            }
        }

        var error = await server.Lifecycle.UnloadAsync(name, unloadDependents).ConfigureAwait(false);
        await (error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200)).ConfigureAwait(false);
    }
}
