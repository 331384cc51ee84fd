using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Requests;

namespace InferenceServer.LoadTool.Load;

/// <summary>
/// Closed loop: <c>concurrency</c> workers, each sending its next request as soon as the previous response
/// has arrived, so exactly that many requests are outstanding. Latency runs from send to response.
/// </summary>
internal sealed class ClosedLoopRunner(IRequestSender sender, int concurrency, ILoadClock clock, WindowRecorder recorder) : ILoadRunner
{
    private readonly Task[] _workers = new Task[concurrency];
    private volatile bool _stopping;

    public void Start(CancellationToken cancellationToken)
    {
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None);
        }
    }

    public Task StopAsync()
    {
        _stopping = true;
        return Task.WhenAll(_workers);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!_stopping)
        {
            var start = clock.Now;
            var outcome = await sender.SendAsync(cancellationToken).ConfigureAwait(false);
            recorder.Record(clock.Nanoseconds(start, clock.Now), outcome);
        }
    }
}
