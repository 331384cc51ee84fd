namespace InferenceServer.Core.Threading;

/// <summary>
/// Counts work that was started and has not finished, and completes a task once none is left. The count is one
/// interlocked operation on each side; the lock is taken only when the count reaches zero, so the cost on a busy
/// path is the same as a plain counter. Shutdown and tests wait on <see cref="SettledAsync"/> instead of polling.
/// </summary>
internal sealed class WorkInFlight
{
    private readonly Lock _settledLock = new();
    private TaskCompletionSource? _settled;
    private int _count;

    /// <summary>Work started and not finished yet.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Started() => Interlocked.Increment(ref _count);

    public void Finished()
    {
        if (Interlocked.Decrement(ref _count) != 0)
        {
            return;
        }

        lock (_settledLock)
        {
            // Another piece of work may have started since the decrement; its own finish completes the waiters.
            if (Volatile.Read(ref _count) == 0)
            {
                _settled?.TrySetResult();
                _settled = null;
            }
        }
    }

    /// <summary>Completes once no work is in flight (at once when none is).</summary>
    public Task SettledAsync()
    {
        lock (_settledLock)
        {
            return Volatile.Read(ref _count) == 0
                ? Task.CompletedTask
                : (_settled ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }
}
