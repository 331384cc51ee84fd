using System.Buffers;
using System.Globalization;
using InferenceServer.Core.Inference;
using Microsoft.AspNetCore.Http;

namespace InferenceServer.Protocols.Http;

/// <summary>Writes the small responses: error objects, empty successes and buffered JSON.</summary>
internal static class HttpResponses
{
    public const string JsonContentType = "application/json";

    /// <summary>An error as its status and body; a refusal caused by load also says when to retry (<c>Retry-After</c>, seconds).</summary>
    public static Task WriteError(HttpContext context, InferenceError error)
    {
        if (error.RetryAfterSeconds > 0)
        {
            context.Response.Headers.RetryAfter = error.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        return WriteError(context, ErrorStatus.ToHttp(error.Code), error.Message);
    }

    /// <summary>The protocol's error body: <c>{"error": "..."}</c>.</summary>
    public static Task WriteError(HttpContext context, int status, string message)
    {
        var json = JsonResponseBuffer.Rent();
        json.Writer.WriteStartObject();
        json.Writer.WriteString("error"u8, message);
        json.Writer.WriteEndObject();
        return WriteJson(context, json, status);
    }

    /// <summary>Writes the buffered JSON and returns the buffer to its pool.</summary>
    public static Task WriteJson(HttpContext context, JsonResponseBuffer json, int status = 200)
    {
        json.Writer.Flush();
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        response.ContentLength = json.Written.Length;
        response.BodyWriter.Write(json.Written.Span);
        json.Return();
        var flush = response.BodyWriter.FlushAsync();
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    public static Task WriteEmpty(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }
}
