using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;

namespace InferenceServer.Core.Execution;

/// <summary>An execution's stage times from <see cref="System.Diagnostics.Stopwatch"/> timestamps taken on the host around the run.</summary>
internal static class HostTimings
{
    /// <summary>Triton's compute_input (start to inputs ready), compute_infer (to inferred) and compute_output (to end).</summary>
    public static ExecutionTimings FromTimestamps(long start, long inputsReady, long inferred, long end) => new(
        ModelVersionStatistics.ElapsedNanoseconds(start, inputsReady),
        ModelVersionStatistics.ElapsedNanoseconds(inputsReady, inferred),
        ModelVersionStatistics.ElapsedNanoseconds(inferred, end));
}
