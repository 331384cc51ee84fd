using System.Net.Http.Headers;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Security.Fuzz;

/// <summary>Sends mutated inputs as they are: bodies byte for byte, and gRPC messages as raw bytes the client does not re-encode.</summary>
internal static class FuzzRequests
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static bytes => bytes, static bytes => bytes);

    // Methods with identity marshallers: the server's parser gets exactly the mutated bytes.
    private static readonly Method<byte[], byte[]> ModelInferBytes = new(MethodType.Unary, "inference.GRPCInferenceService", "ModelInfer", Bytes, Bytes);
    private static readonly Method<byte[], byte[]> ModelStreamInferBytes = new(MethodType.DuplexStreaming, "inference.GRPCInferenceService", "ModelStreamInfer", Bytes, Bytes);
    private static readonly Method<byte[], byte[]> HealthCheckBytes = new(MethodType.Unary, "grpc.health.v1.Health", "Check", Bytes, Bytes);

    public static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>
    /// A body with its Inference-Header-Content-Length as the mutated text. Bytes outside printable ASCII become
    /// '?': the HTTP client refuses to send them, so they would test the client, not the server.
    /// </summary>
    public static ByteArrayContent Binary(string? headerValue, ReadOnlyMemory<byte> body)
    {
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (headerValue is not null)
        {
            var printable = string.Concat(headerValue.Select(c => c is >= ' ' and <= '~' ? c : '?'));
            Assert.True(content.Headers.TryAddWithoutValidation(HttpInfer.HeaderLengthName, printable));
        }

        return content;
    }

    /// <summary>Calls ModelInfer with <paramref name="message"/> as the serialised request; null when it succeeds, else the error.</summary>
    public static Task<RpcException?> ModelInferAsync(GrpcChannel channel, byte[] message) => UnaryAsync(channel, ModelInferBytes, message);

    /// <summary>Calls grpc.health.v1.Health/Check with <paramref name="message"/> as the serialised request.</summary>
    public static Task<RpcException?> HealthCheckAsync(GrpcChannel channel, byte[] message) => UnaryAsync(channel, HealthCheckBytes, message);

    /// <summary>Sends <paramref name="message"/> on a ModelStreamInfer stream and reads to its end; null when the stream ends cleanly, else the error.</summary>
    public static async Task<RpcException?> ModelStreamInferAsync(GrpcChannel channel, byte[] message) =>
        (await ModelStreamInferAsync(channel, [message])).Error;

    /// <summary>Sends <paramref name="messages"/> on one ModelStreamInfer stream, in order, and reads every response to the stream's end.</summary>
    public static async Task<(List<byte[]> Responses, RpcException? Error)> ModelStreamInferAsync(GrpcChannel channel, IReadOnlyList<byte[]> messages)
    {
        var responses = new List<byte[]>();
        try
        {
            using var call = channel.CreateCallInvoker().AsyncDuplexStreamingCall(ModelStreamInferBytes, null, Options());
            try
            {
                foreach (var message in messages)
                {
                    await call.RequestStream.WriteAsync(message).WithTimeout();
                }

                await call.RequestStream.CompleteAsync().WithTimeout();
            }
            catch (RpcException)
            {
                // The server ended the stream while messages were still going out (it refused an earlier one): its
                // status is what the response stream reports, not the failed write's.
            }

            while (await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout())
            {
                responses.Add(call.ResponseStream.Current);
            }

            return (responses, null);
        }
        catch (RpcException ex)
        {
            return (responses, ex);
        }
    }

    /// <summary>Calls a unary method of <c>inference.GRPCInferenceService</c> with <paramref name="message"/> as the serialised request.</summary>
    public static Task<RpcException?> InferenceServiceAsync(GrpcChannel channel, string method, byte[] message, Metadata? headers = null) =>
        UnaryAsync(channel, new Method<byte[], byte[]>(MethodType.Unary, "inference.GRPCInferenceService", method, Bytes, Bytes), message, headers);

    private static async Task<RpcException?> UnaryAsync(GrpcChannel channel, Method<byte[], byte[]> method, byte[] message, Metadata? headers = null)
    {
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(method, null, Options(headers), message).ResponseAsync;
            return null;
        }
        catch (RpcException ex)
        {
            return ex;
        }
    }

    private static CallOptions Options(Metadata? headers = null) => new(headers, deadline: DateTime.UtcNow + TestTimeouts.Request);
}
