using InferenceServer.Core.Logging;
using InferenceServer.Protocols;

namespace InferenceServer.Hosting;

/// <summary>
/// The first phase of shutdown (SIGTERM, SIGINT), before Kestrel stops listening: readiness turns false at once (and from
/// then on every connection is told to go away after the request it serves, <see cref="ConnectionDraining"/>)
/// while everything keeps being served for the grace period, so load balancers and Kubernetes endpoints stop
/// sending here before anything is refused; then new inference requests get 503 / UNAVAILABLE, for at least
/// <see cref="RefusalWindow"/> with the listeners still open (no window when the grace period is 0: the operator
/// has load balancers drained by other means, such as a preStop hook), so clients that ignore readiness get a clear answer
/// rather than a reset connection. Kestrel then finishes every request already accepted (in flight or queued)
/// within what is left of <c>--exit-timeout-secs</c>, and the process exits 0. Runs as <see cref="IHostedLifecycleService.StoppingAsync"/>,
/// which the host calls before stopping any hosted service, the web server included.
/// </summary>
internal sealed partial class ShutdownDrain : IHostedLifecycleService
{
    /// <summary>How long new requests are answered 503 before the listeners close.</summary>
    public static readonly TimeSpan RefusalWindow = TimeSpan.FromSeconds(1);

    private readonly ServerContext _server;
    private readonly TimeSpan _grace;
    private readonly TimeProvider _time;
    private readonly ILogger<ShutdownDrain> _logger;
    private int _started;

    public ShutdownDrain(ServerContext server, ServerOptions options, TimeProvider time, ILogger<ShutdownDrain> logger)
    {
        _server = server;
        _grace = options.ShutdownGrace < options.ExitTimeout ? options.ShutdownGrace : options.ExitTimeout;
        _time = time;
        _logger = logger;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // Once per process: disposing a stopped host stops it again.
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _server.Stopping = true;
        LogNotReady(_logger, _grace.TotalSeconds);
        await DelayAsync(_grace, cancellationToken).ConfigureAwait(false);
        _server.Refusing = true;
        LogRefusing(_logger);
        if (_grace > TimeSpan.Zero)
        {
            await DelayAsync(RefusalWindow, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The exit timeout ran out: move on, and let Kestrel wind down with what is left.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = EventIds.ShutdownNotReady, Level = LogLevel.Information, Message = "shutting down: not ready; serving for {GraceSeconds} s more, then refusing new inference requests")]
    private static partial void LogNotReady(ILogger logger, double graceSeconds);

    [LoggerMessage(EventId = EventIds.ShutdownRefusing, Level = LogLevel.Information, Message = "shutting down: refusing new inference requests; finishing those accepted")]
    private static partial void LogRefusing(ILogger logger);
}
