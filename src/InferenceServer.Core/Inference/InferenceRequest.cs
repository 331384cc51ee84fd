using System.Threading.Tasks.Sources;
using InferenceServer.Core.Models;
using Microsoft.Extensions.ObjectPool;

namespace InferenceServer.Core.Inference;

/// <summary>
/// One inference request from a front end to a model version, and its response. Instances are pooled
/// (<see cref="InferenceRequestPool"/>) together with their input and output slots, so a steady stream
/// of requests allocates no request objects. Completion is a pooled <see cref="IValueTaskSource"/>:
/// the front end awaits <see cref="WaitAsync"/>, the model thread calls <see cref="Complete"/>.
/// </summary>
public sealed class InferenceRequest : IValueTaskSource, IResettable, IThreadPoolWorkItem
{
    private readonly List<InferenceInput> _inputs = [];
    private readonly List<RequestedOutput> _requestedOutputs = [];
    private readonly List<InferenceOutput> _outputs = [];
    private readonly List<IDisposable> _ownedResources = [];
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = true };
    private int _inputCount;
    private int _requestedOutputCount;
    private int _outputCount;

    /// <summary>The request id the caller gave ("" when none); echoed in the response.</summary>
    public string Id { get; set; } = "";

    /// <summary>The model version that serves this request (set when the request is routed).</summary>
    public ModelVersion? Version { get; internal set; }

    /// <summary>Rows in this request: the first dimension when the model batches, else 1.</summary>
    public long BatchSize { get; internal set; } = 1;

    /// <summary>Set when the request failed; the response then carries only this.</summary>
    public InferenceError Error { get; private set; }

    /// <summary>Stopwatch timestamp of arrival, for end-to-end duration.</summary>
    public long ReceivedTimestamp { get; set; }

    /// <summary>Stopwatch timestamp of entering the scheduler queue.</summary>
    public long QueuedTimestamp { get; internal set; }

    /// <summary>The request's <c>priority</c> parameter: 0 = the model's default level, 1 = highest.</summary>
    public ulong Priority { get; set; }

    /// <summary>The request's <c>timeout</c> parameter in microseconds (0 = none); the queue policy decides whether it counts.</summary>
    public ulong TimeoutMicroseconds { get; set; }

    /// <summary>The request's trace when it was sampled (<see cref="Tracing.RequestTracer"/>); null for every other request.</summary>
    public Tracing.RequestTrace? Trace { get; internal set; }

    /// <summary>The request's <c>sequence_id</c> parameter (<see cref="Scheduling.Sequences.SequenceId.None"/> when absent); read by sequence models only.</summary>
    public Scheduling.Sequences.SequenceId SequenceId { get; set; }

    /// <summary>The request's <c>sequence_start</c> parameter: it begins its sequence.</summary>
    public bool SequenceStart { get; set; }

    /// <summary>The request's <c>sequence_end</c> parameter: it ends its sequence.</summary>
    public bool SequenceEnd { get; set; }

    /// <summary>The request's place in its sequence, between admission and the end of its run (a sequence model's scheduler).</summary>
    internal Scheduling.Sequences.SequenceTicket SequenceTicket;

    /// <summary>Set between the answer and the end of the request's after-steps (<see cref="Pipeline.InferencePipeline"/>).</summary>
    internal Pipeline.AnsweredRequest AfterAnswer;

    /// <summary>The request's trip through the response cache (<see cref="Caching.ResponseCacheStep"/>).</summary>
    internal Caching.CacheLookup Cache;

    /// <summary>Whether the answer came from the response cache (the model did not run).</summary>
    public bool AnsweredFromCache => Cache.State == Caching.CacheLookupState.Hit;

    /// <summary>Scheduler state while queued: the request's place in its level's list and its clock readings.</summary>
    internal Scheduling.QueueEntry Queue;

    /// <summary>Return every model output not listed in <see cref="RequestedOutputs"/> in binary (HTTP).</summary>
    public bool BinaryDataOutput { get; set; }

    public ReadOnlySpan<InferenceInput> Inputs => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_inputs)[.._inputCount];

    public ReadOnlySpan<RequestedOutput> RequestedOutputs => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_requestedOutputs)[.._requestedOutputCount];

    /// <summary>The outputs the model produced, in the order they are to be returned.</summary>
    public ReadOnlySpan<InferenceOutput> Outputs => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_outputs)[.._outputCount];

    /// <summary>Adds an input slot (reused from earlier requests).</summary>
    public InferenceInput AddInput(string name, Tensors.DataType dataType, in Tensors.TensorShape shape, TensorSpec? spec)
    {
        var input = NextSlot(_inputs, ref _inputCount);
        input.Name = name;
        input.DataType = dataType;
        input.Shape = shape;
        input.Spec = spec;
        return input;
    }

    /// <summary>Sets where an input's bytes live; the memory must stay valid until the request is reset.</summary>
    public static void SetInputData(InferenceInput input, ReadOnlyMemory<byte> data) => input.Data = data;

    public RequestedOutput AddRequestedOutput(string name, bool binary)
    {
        var output = NextSlot(_requestedOutputs, ref _requestedOutputCount);
        output.Name = name;
        output.Binary = binary;
        return output;
    }

    /// <summary>Adds a produced output; the response takes ownership of <paramref name="buffer"/>.</summary>
    public InferenceOutput AddOutput(TensorSpec spec, in Tensors.TensorShape shape, Memory.PinnedBuffer? buffer)
    {
        var output = NextSlot(_outputs, ref _outputCount);
        output.Set(spec, shape, buffer);
        return output;
    }

    /// <summary>
    /// Adds a produced output that is a slice of a batch's output buffer; the response holds one of the
    /// buffer's references and releases it when reset.
    /// </summary>
    public InferenceOutput AddSharedOutput(TensorSpec spec, in Tensors.TensorShape shape, Memory.SharedPinnedBuffer shared, int offset, int length)
    {
        var output = NextSlot(_outputs, ref _outputCount);
        output.SetShared(spec, shape, shared, offset, length);
        return output;
    }

    /// <summary>
    /// Adds an output that takes over <paramref name="source"/>'s buffer (or buffer share) under this request's
    /// <paramref name="spec"/>; <paramref name="source"/> is left empty. An ensemble hands a step's output to its caller
    /// this way, without a copy.
    /// </summary>
    internal InferenceOutput AdoptOutput(TensorSpec spec, InferenceOutput source)
    {
        var output = NextSlot(_outputs, ref _outputCount);
        output.TakeFrom(spec, source);
        return output;
    }

    /// <summary>
    /// Drops the inputs from position <paramref name="count"/> on: the tensors a scheduler added for the model alone
    /// (sequence controls and state) leave before the request goes back to its front end.
    /// </summary>
    internal void RemoveInputsFrom(int count)
    {
        for (var i = count; i < _inputCount; i++)
        {
            _inputs[i].Reset();
        }

        _inputCount = Math.Min(_inputCount, count);
    }

    /// <summary>Drops one of the produced outputs (releasing its buffer), keeping the others in order.</summary>
    internal void RemoveOutput(InferenceOutput output)
    {
        for (var i = 0; i < _outputCount; i++)
        {
            if (!ReferenceEquals(_outputs[i], output))
            {
                continue;
            }

            output.Reset();
            // The emptied slot moves to the end so the slots stay reusable.
            _outputs.RemoveAt(i);
            _outputs.Add(output);
            _outputCount--;
            return;
        }
    }

    /// <summary>Keeps a resource (a pooled body buffer, a pinned handle) alive until the request is reset.</summary>
    public void Own(IDisposable resource) => _ownedResources.Add(resource);

    /// <summary>Awaits completion: success or <see cref="Error"/>.</summary>
    public ValueTask WaitAsync() => new(this, _completion.Version);

    /// <summary>
    /// Marks the request done (with its outputs, or with <see cref="Error"/> when one was set); the
    /// awaiting front end resumes on the thread pool.
    /// </summary>
    public void Complete()
    {
        if (Error.IsError)
        {
            ReleaseOutputs();
        }

        _completion.SetResult(true);
    }

    /// <summary>Fails the request with an expected error.</summary>
    public void Fail(InferenceError error)
    {
        Error = error;
        ReleaseOutputs();
        _completion.SetResult(true);
    }

    /// <summary>Records an error without completing the request (before scheduling, or by a model instance; the scheduler completes).</summary>
    public void SetError(InferenceError error) => Error = error;

    public bool TryReset()
    {
        ReleaseOutputs();
        foreach (var input in Inputs)
        {
            input.Reset();
        }

        foreach (var output in RequestedOutputs)
        {
            output.Reset();
        }

        foreach (var resource in _ownedResources)
        {
            resource.Dispose();
        }

        _ownedResources.Clear();
        _inputCount = 0;
        _requestedOutputCount = 0;
        Id = "";
        Version = null;
        BatchSize = 1;
        Error = default;
        BinaryDataOutput = false;
        Priority = 0;
        TimeoutMicroseconds = 0;
        SequenceId = default;
        SequenceStart = false;
        SequenceEnd = false;
        SequenceTicket = default;
        Queue = default;
        Cache = default;
        ReceivedTimestamp = 0;
        QueuedTimestamp = 0;
        Trace = null;
        _completion.Reset();
        return true;
    }

    private void ReleaseOutputs()
    {
        foreach (var output in Outputs)
        {
            output.Reset();
        }

        _outputCount = 0;
    }

    private static T NextSlot<T>(List<T> slots, ref int count)
        where T : new()
    {
        if (count == slots.Count)
        {
            slots.Add(new T());
        }

        return slots[count++];
    }

    // The after-steps of an answered request, queued by the pipeline once the answer is handed to the transport.
    void IThreadPoolWorkItem.Execute() => AfterAnswer.Pipeline.RunAfterSteps(this);

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
