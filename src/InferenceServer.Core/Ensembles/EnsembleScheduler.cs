using System.Diagnostics;
using System.Runtime.CompilerServices;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Scheduling;
using InferenceServer.Core.Telemetry;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// An ensemble version's scheduler, behind <see cref="ModelVersion.ScheduleAsync"/>: runs each request's graph
/// (<see cref="EnsembleRun"/>) with no queue of its own, since every step queues at its composing model. The ensemble's
/// statistics count its requests (one execution per request, its whole time as compute); the composing models count
/// their step executions themselves, as in Triton.
/// </summary>
internal sealed class EnsembleScheduler
{
    private readonly EnsemblePlan _plan;
    private readonly ModelCatalog _catalog;
    private readonly InferenceRequestPool _stepRequests;
    private int _running;

    public EnsembleScheduler(EnsemblePlan plan, ModelCatalog catalog, InferenceRequestPool stepRequests)
    {
        _plan = plan;
        _catalog = catalog;
        _stepRequests = stepRequests;
    }

    /// <summary>Requests running through the graph now.</summary>
    public int RunningCount => Volatile.Read(ref _running);

    /// <summary>Runs a validated request through the steps; a failure is set on the request, naming the step.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ScheduleAsync(ModelVersion ensemble, InferenceRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _running);
        using var run = new EnsembleRun(_plan, _catalog, _stepRequests, request);
        try
        {
            var error = await run.RunAsync().ConfigureAwait(false);
            var total = ModelVersionStatistics.ElapsedNanoseconds(request.ReceivedTimestamp == 0 ? start : request.ReceivedTimestamp, Stopwatch.GetTimestamp());
            if (error.IsError)
            {
                request.SetError(error);
                ensemble.Statistics.RecordFailure(FailureReason.Backend, total);
                return;
            }

            run.DeliverOutputs(ensemble.Signature);
            var compute = ModelVersionStatistics.ElapsedNanoseconds(start, Stopwatch.GetTimestamp());
            ensemble.Statistics.RecordSuccess(total, 0);
            ensemble.Statistics.RecordExecution(request.BatchSize, 1, request.BatchSize, new ExecutionTimings(0, compute, 0), ensemble.Time);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}
