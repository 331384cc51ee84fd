using InferenceServer.LoadTool.Server;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// The server's own account of a step, from its statistics read before and after: requests counted, and
/// per successful request the average microseconds in the queue, in compute (input, infer, output), and the
/// rest — <see cref="OverheadUs"/> = request time − queue − compute — spent in the server's front end
/// (parsing, scheduling, writing the response), as perf_analyzer reports it.
/// </summary>
public sealed record ServerBreakdown(
    long SuccessCount,
    long FailCount,
    long InferenceCount,
    long ExecutionCount,
    double RequestUs,
    double QueueUs,
    double ComputeInputUs,
    double ComputeInferUs,
    double ComputeOutputUs,
    double OverheadUs)
{
    internal static ServerBreakdown Between(ServerStatistics before, ServerStatistics after)
    {
        var delta = after - before;
        var request = delta.Success.MeanMicroseconds;
        var queue = delta.Queue.MeanMicroseconds;
        var input = delta.ComputeInput.MeanMicroseconds;
        var infer = delta.ComputeInfer.MeanMicroseconds;
        var output = delta.ComputeOutput.MeanMicroseconds;
        return new ServerBreakdown(
            delta.Success.Count,
            delta.Fail.Count,
            delta.InferenceCount,
            delta.ExecutionCount,
            request,
            queue,
            input,
            infer,
            output,

            // Each average is over its own count; rounding can leave the sum a hair above the request time.
            Math.Max(0, request - queue - input - infer - output));
    }
}
