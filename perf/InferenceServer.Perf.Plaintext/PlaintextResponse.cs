using System.Globalization;
using System.IO.Pipelines;

namespace InferenceServer.Perf.Plaintext;

/// <summary>
/// Drains the request body and writes one fixed response: the JSON header the server writes for an
/// <c>mlp</c> response with <c>binary_data_output</c>, then 10 FP32 zeros (about 170 bytes), with
/// the same content type and <c>Inference-Header-Content-Length</c> header.
/// </summary>
internal static class PlaintextResponse
{
    private static readonly byte[] Header =
        """{"model_name":"mlp","model_version":"1","outputs":[{"name":"OUTPUT0","datatype":"FP32","shape":[1,10],"parameters":{"binary_data_size":40}}]}"""u8.ToArray();

    private static readonly byte[] Body = [.. Header, .. new byte[10 * sizeof(float)]];

    private static readonly string HeaderLength = Header.Length.ToString(CultureInfo.InvariantCulture);

    public static Task HandleAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        while (reader.TryRead(out var read))
        {
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return WriteAsync(context);
            }
        }

        return DrainThenWriteAsync(context, reader);

        static async Task DrainThenWriteAsync(HttpContext context, PipeReader reader)
        {
            while (true)
            {
                var read = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }

            await WriteAsync(context).ConfigureAwait(false);
        }
    }

    private static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/octet-stream";
        response.ContentLength = Body.Length;
        response.Headers["Inference-Header-Content-Length"] = HeaderLength;
        var write = response.BodyWriter.WriteAsync(Body);
        return write.IsCompletedSuccessfully ? Task.CompletedTask : write.AsTask();
    }
}
