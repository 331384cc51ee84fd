using System.Runtime.CompilerServices;
using Grpc.Core;

namespace InferenceServer.Client.Grpc;

/// <summary>
/// A <c>ModelStreamInfer</c> call: requests written in order, responses read as they come (decoupled models may answer
/// a request more than once, or not at all). One writer and one reader at a time. Dispose ends the call.
/// </summary>
public sealed class InferStream : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<InferRequest, StreamInferResponse> _call;

    internal InferStream(AsyncDuplexStreamingCall<InferRequest, StreamInferResponse> call) => _call = call;

    /// <summary>Sends <paramref name="request"/> on the stream. The request must not be disposed until it has been written.</summary>
    public async Task WriteAsync(InferRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.ThrowIfDisposed();
        try
        {
            await _call.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw GrpcErrors.Translate(e, "ModelStreamInfer", cancellationToken);
        }
    }

    /// <summary>Says no more requests will come; the server answers those it has, then ends the stream.</summary>
    public Task CompleteAsync() => _call.RequestStream.CompleteAsync();

    /// <summary>The responses, in the order the server sends them, until the server ends the stream.</summary>
    public async IAsyncEnumerable<StreamInferResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            StreamInferResponse response;
            try
            {
                if (!await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                response = _call.ResponseStream.Current;
            }
            catch (RpcException e)
            {
                throw GrpcErrors.Translate(e, "ModelStreamInfer", cancellationToken);
            }

            yield return response;
        }
    }

    /// <summary>Ends the call (cancelling it if the server has not finished).</summary>
    public ValueTask DisposeAsync()
    {
        _call.Dispose();
        return ValueTask.CompletedTask;
    }
}
