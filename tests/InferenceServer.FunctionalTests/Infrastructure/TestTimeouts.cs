namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Bounds on every await in the suite, so a hung server fails a test instead of the run. The helpers
/// (<see cref="HttpInfer"/>, <see cref="InferenceGrpcClient"/>, the fixtures) bound their own awaits, so a
/// test awaiting a helper is bounded too.
/// </summary>
public static class TestTimeouts
{
    /// <summary>One request or RPC: generous for a loaded 2-core CI machine, still far below xunit's patience.</summary>
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);

    /// <summary>Starting or stopping a server, including loading its models.</summary>
    public static readonly TimeSpan Server = TimeSpan.FromSeconds(120);

    /// <summary>A whole concurrency test.</summary>
    public static readonly TimeSpan Load = TimeSpan.FromSeconds(90);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Request);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Request);
}
