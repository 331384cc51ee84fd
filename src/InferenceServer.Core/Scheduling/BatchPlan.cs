namespace InferenceServer.Core.Scheduling;

/// <summary>
/// What an idle instance does next: run the first <see cref="RequestCount"/> queued requests (in service
/// order) as one batch, or, when that is 0, wait until <see cref="WaitUntil"/> (a scheduler clock
/// timestamp; <see cref="long.MaxValue"/> = until something arrives).
/// </summary>
internal readonly record struct BatchPlan(int RequestCount, long WaitUntil)
{
    public static BatchPlan Run(int requestCount) => new(requestCount, 0);

    public static BatchPlan Wait(long until) => new(0, until);
}
