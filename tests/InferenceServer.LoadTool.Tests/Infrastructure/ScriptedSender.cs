using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Tests.Infrastructure;

/// <summary>
/// A fake server that answers synchronously: request n (0-based) takes <c>serviceTime(n)</c> of virtual time,
/// during which the client can do nothing else — a server that stalls, seen from a client holding one
/// connection. After <paramref name="requests"/> calls it cancels <see cref="Stop"/>, ending the dispatch.
/// </summary>
internal sealed class ScriptedSender(VirtualClock clock, int requests, Func<int, TimeSpan> serviceTime) : IRequestSender
{
    private readonly CancellationTokenSource _stop = new();

    public int Calls { get; private set; }

    public CancellationToken Stop => _stop.Token;

    public ValueTask<RequestOutcome> SendAsync(CancellationToken cancellationToken)
    {
        clock.Advance(serviceTime(Calls));
        Calls++;
        if (Calls == requests)
        {
            _stop.Cancel();
        }

        return ValueTask.FromResult(RequestOutcome.Success);
    }
}
