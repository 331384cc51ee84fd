namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>Every await in these tests is bounded, so a lost completion fails the test instead of hanging the run.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task WithTimeout(this ValueTask task) => task.AsTask().WaitAsync(Default);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Default);
}
