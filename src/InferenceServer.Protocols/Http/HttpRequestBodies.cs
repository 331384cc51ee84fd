using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http;

/// <summary>The body of a control, index or settings call: small, read whole, bounded.</summary>
internal static class HttpRequestBodies
{
    /// <summary>The body, owned by the caller; null once the reason it could not be read has been answered.</summary>
    public static async ValueTask<BodyReadResult?> ReadOrAnswerAsync(HttpContext context, ServerContext server, long limit)
    {
        var body = await RequestBodyReader.ReadAsync(context.Request, server.Buffers, limit, context.RequestAborted).ConfigureAwait(false);
        if (body.Error.IsError)
        {
            await HttpResponses.WriteError(context, body.Error).ConfigureAwait(false);
            return null;
        }

        return body;
    }
}
