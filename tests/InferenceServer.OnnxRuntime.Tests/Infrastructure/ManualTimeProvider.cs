namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>A clock that stands still unless a test moves it, so time-stamped statistics are exact.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    public ManualTimeProvider(DateTimeOffset start)
    {
        _now = start;
    }

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
