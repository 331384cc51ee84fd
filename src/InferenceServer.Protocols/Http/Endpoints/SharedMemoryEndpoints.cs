using InferenceServer.Core.Inference;
using InferenceServer.Core.SharedMemory;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http.Endpoints;

/// <summary>
/// <c>/v2/systemsharedmemory[/region/{r}]/status|register|unregister</c> and the same under <c>/v2/cudasharedmemory</c>
/// (brief §2.13), answered from <see cref="SharedMemoryRegistry"/>. Registering is off unless <c>--allow-client-shm</c>.
/// </summary>
internal sealed class SharedMemoryEndpoints(ServerContext server)
{
    private const int MaxRegistrationBytes = 64 << 10;

    public Task Status(HttpContext context, string region)
    {
        var error = server.SharedMemory.Status(region, KindOf(context), out var regions);
        if (error.IsError)
        {
            return HttpResponses.WriteError(context, error);
        }

        var json = JsonResponseBuffer.Rent();
        SharedMemoryJson.WriteStatus(json.Writer, regions);
        return HttpResponses.WriteJson(context, json);
    }

    public async Task RegisterAsync(HttpContext context, string region)
    {
        var kind = KindOf(context);
        if (!server.SharedMemory.AllowsRegistration)
        {
            await HttpResponses.WriteError(context, InferenceError.PermissionDenied(SharedMemoryRegistry.DisabledMessage)).ConfigureAwait(false);
            return;
        }

        if (region.Length == 0)
        {
            await HttpResponses.WriteError(context, InferenceError.InvalidArgument("register needs a region: POST .../region/{name}/register")).ConfigureAwait(false);
            return;
        }

        if (await HttpRequestBodies.ReadOrAnswerAsync(context, server, MaxRegistrationBytes).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        InferenceError error;
        using (body.Buffer)
        {
            error = SharedMemoryJson.TryReadRegistration(body.Bytes.Span, kind, out var registration);
            if (!error.IsError)
            {
                error = kind == SharedMemoryKind.System
                    ? server.SharedMemory.RegisterSystem(region, registration.Key, registration.Offset, registration.ByteSize)
                    : server.SharedMemory.RegisterCuda(region, registration.RawHandle, registration.DeviceId, registration.ByteSize);
            }
        }

        await (error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200)).ConfigureAwait(false);
    }

    public Task Unregister(HttpContext context, string region)
    {
        var error = server.SharedMemory.Unregister(region, KindOf(context));
        return error.IsError ? HttpResponses.WriteError(context, error) : HttpResponses.WriteEmpty(context, 200);
    }

    private static SharedMemoryKind KindOf(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/v2/cudasharedmemory", StringComparison.Ordinal) ? SharedMemoryKind.Cuda : SharedMemoryKind.System;
}
