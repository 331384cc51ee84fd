namespace InferenceServer.Core.Tests.Infrastructure;

/// <summary>
/// Keeps the instance that executes a chosen request inside that execution until the test calls
/// <see cref="Release"/> (or disposes the hold), so the test can line requests up behind a busy instance.
/// </summary>
internal sealed class RequestHold : IDisposable
{
    private readonly ManualResetEventSlim _gate = new(false);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the held request's execution has started (and is now blocked).</summary>
    public Task Started => _started.Task.WithTimeout();

    public bool IsReleased => _gate.IsSet;

    public void Release() => _gate.Set();

    /// <summary>Releases the instance, so a failing test still lets its scheduler drain.</summary>
    public void Dispose() => Release();

    /// <summary>Called on the instance thread: signals <see cref="Started"/> and waits for <see cref="Release"/>.</summary>
    internal void Block()
    {
        _started.TrySetResult();
        if (!_gate.Wait(TestTimeouts.Default))
        {
            throw new TimeoutException("the test never released the held request");
        }
    }
}
