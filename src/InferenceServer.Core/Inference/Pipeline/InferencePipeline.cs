using System.Diagnostics;
using System.Runtime.CompilerServices;
using InferenceServer.Core.Caching;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Threading;
using InferenceServer.Core.Tracing;
using InferenceServer.Core.Traffic;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Core.Inference.Pipeline;

/// <summary>
/// One inference request's life, from admission to release, the same for every protocol (Triton's
/// <c>InferenceServer::InferAsync</c> → <c>InferenceRequest::Run</c>): admit → choose and hold the version once (the head's
/// routing key, or the message's when the model has a canary) → sample for tracing (only while tracing is on) → the codec
/// binds the tensors → validate once → schedule → the codec writes the answer → after-steps (trace, input profile,
/// traffic outcome and shadow offer, hooks) → release. A model with <c>response_cache</c> is looked up before scheduling and
/// stored after a success (<see cref="ResponseCacheStep"/>). A protocol is a codec (<see cref="IInferenceCodec{TAnswer}"/>); a request feature is a step here.
/// <para>
/// Failures are counted once: refusals before scheduling here (client errors), everything after by the scheduler
/// (execution, queue full, timeouts: server errors). Only server errors count against a canary.
/// </para>
/// </summary>
public sealed partial class InferencePipeline
{
    private readonly ModelCatalog _models;
    private readonly InferenceRequestPool _requests;
    private readonly PinnedBufferPool _buffers;
    private readonly IAnsweredRequestHook[] _hooks;
    private readonly RequestTracer _tracer;
    private readonly ResponseCacheStep _responses;
    private readonly ILogger _logger;
    private readonly WorkInFlight _afterSteps = new();

    public InferencePipeline(ModelCatalog models, InferenceRequestPool requests, PinnedBufferPool buffers, ServerAdmission admission,
        IEnumerable<IAnsweredRequestHook>? hooks = null, ILogger<InferencePipeline>? logger = null, RequestTracer? tracer = null,
        IResponseCache? responseCache = null)
    {
        _models = models;
        _requests = requests;
        _buffers = buffers;
        Admission = admission;
        _hooks = hooks?.ToArray() ?? [];
        _tracer = tracer ?? RequestTracer.Off();
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _responses = new ResponseCacheStep(responseCache, _logger);
    }

    public ServerAdmission Admission { get; }

    /// <summary>Answered requests whose after-steps have not finished yet.</summary>
    public int AfterStepsPending => _afterSteps.Count;

    /// <summary>Runs one request; the codec has read its message and writes its answer.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TAnswer> RunAsync<TCodec, TAnswer>(RequestHead head, TCodec codec)
        where TCodec : IInferenceCodec<TAnswer>
    {
        var request = _requests.Rent();
        codec.Attach(request);
        request.ReceivedTimestamp = head.ReceivedTimestamp;
        if (Admission.Refusing)
        {
            _requests.Return(request);
            return await codec.RefuseAsync(InferenceError.Unavailable(ServerAdmission.RefusingMessage), null).ConfigureAwait(false);
        }

        // Resolve, route and hold the version once; the codec is asked for a key in its message only for a canary model.
        var error = _models.TryAcquire(head.Model.Span, head.Version.Span, head.RoutingKey, codec, out var model, out var traffic);
        if (error.IsError)
        {
            _requests.Return(request);
            return await codec.RefuseAsync(error, null).ConfigureAwait(false);
        }

        // Tracing off costs this one volatile read; a sampled request carries its trace, the others null.
        if (_tracer.Enabled)
        {
            request.Trace = _tracer.TryStart(model!, head);
            request.Trace?.Routing = TraceRouting.Of(head.Version.Span, head.RoutingKey, traffic, codec);
        }

        var outcome = RequestOutcome.ClientError;
        try
        {
            error = codec.Bind(model!, request, _buffers);
            if (!error.IsError)
            {
                error = RequestValidator.Validate(model!, request);
            }

            if (!error.IsError)
            {
                // A sequence model's step: the request takes its place in its sequence (ScheduleAsync follows at once).
                error = model!.AdmitToSequence(request);
            }

            if (error.IsError)
            {
                model!.Statistics.RecordFailure(FailureReason.Other, 0);
                return await codec.RefuseAsync(error, model).ConfigureAwait(false);
            }

            // The response cache: a hit has the model's outputs without running it; a miss is stored once computed.
            var cached = _responses.Applies(model!) && await _responses.TryAnswerAsync(model!, request, _buffers).ConfigureAwait(false);
            if (!cached)
            {
                await model!.ScheduleAsync(request).ConfigureAwait(false);
                if (request.Error.IsError)
                {
                    outcome = RequestOutcome.ServerError;
                    return await codec.RefuseAsync(request.Error, model).ConfigureAwait(false);
                }

                _responses.Store(model, request);
            }

            // Classification and shared-memory outputs, for both protocols alike.
            error = RequestedOutputDelivery.Deliver(model!, request, _buffers);
            if (error.IsError)
            {
                outcome = RequestOutcome.ServerError;
                return await codec.RefuseAsync(error, model).ConfigureAwait(false);
            }

            outcome = RequestOutcome.Success;
            request.Trace?.Answering = Stopwatch.GetTimestamp();
            return await codec.AnswerAsync(request).ConfigureAwait(false);
        }
        finally
        {
            if (request.Trace is { } trace)
            {
                trace.Answered = Stopwatch.GetTimestamp();
                if (trace.Answering == 0)
                {
                    trace.Answering = trace.Answered;
                }
            }

            AfterAnswer(model!, traffic, request, outcome);
        }
    }

    // After-steps read the request's inputs and outputs, so the request goes back to its pool (and the version is
    // released) only once they are done. With nothing to do, release now. Otherwise they run as a work item queued on
    // this thread: after the front end has handed its answer to the transport and yielded, never before — running them
    // inline would hold the answer of a unary gRPC call (written after the service method returns) and the next request
    // of a kept-alive HTTP connection or a stream.
    private void AfterAnswer(ModelVersion model, ModelTraffic? traffic, InferenceRequest request, RequestOutcome outcome)
    {
        if (traffic is null && _hooks.Length == 0 && (model.Profile is null || outcome != RequestOutcome.Success) && request.Trace is null)
        {
            _requests.Return(request);
            model.Release();
            return;
        }

        _afterSteps.Started();
        request.AfterAnswer = new AnsweredRequest(this, model, traffic, outcome);
        ThreadPool.UnsafeQueueUserWorkItem(request, preferLocal: true);
    }

    /// <summary>The after-steps of an answered request, then its release (called by the request as a thread-pool work item).</summary>
    internal void RunAfterSteps(InferenceRequest request)
    {
        var answered = request.AfterAnswer;
        request.AfterAnswer = default;
        var model = answered.Version;
        try
        {
            if (answered.Outcome == RequestOutcome.Success)
            {
                model.Profile?.Observe(request);
            }

            // The traffic step first: the trace records whether the request was mirrored. A cached answer did not run the
            // model, so it is neither mirrored to a shadow nor counted for or against a canary.
            var mirrored = request.AnsweredFromCache ? 0 : answered.Traffic?.OnCompleted(model, request, answered.Outcome) ?? 0;
            if (request.Trace is { } trace)
            {
                trace.ShadowsMirrored = mirrored;
                _tracer.Complete(trace, request, answered.Outcome);
            }

            foreach (var hook in _hooks)
            {
                hook.OnAnswered(model, request, answered.Outcome);
            }
        }
        catch (Exception ex)
        {
            // The caller has its answer; a failing observer must not take the process down or leak the request.
            LogAfterStepFailed(model.Name, model.Version, ex);
        }
        finally
        {
            _requests.Return(request);
            model.Release();
            _afterSteps.Finished();
        }
    }

    /// <summary>Completes once no answered request has after-steps left (tests and shutdown wait on it instead of polling).</summary>
    public Task AfterStepsSettledAsync() => _afterSteps.SettledAsync();

    [LoggerMessage(EventId = EventIds.AfterStepFailed, Level = LogLevel.Error, Message = "An after-step of a request answered by model '{Model}' version {Version} failed")]
    private partial void LogAfterStepFailed(string model, long version, Exception exception);
}
