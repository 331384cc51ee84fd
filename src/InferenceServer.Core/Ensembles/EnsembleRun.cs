using System.Diagnostics;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry;
using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// One request's trip through an ensemble's graph. Steps start as soon as every step they read from has finished, so
/// independent steps run at once; each step is a request of its own, submitted to the composing version's scheduler
/// (its dynamic batcher batches it with other callers' requests). A step's outputs stay in the step request's pooled
/// buffers and later steps read them in place; the ensemble's outputs move from there into the ensemble request.
/// <para>
/// Ownership: the run owns its step requests until <see cref="Dispose"/>, which runs only after every started step has
/// finished (a failure stops new steps, then waits for the running ones), since they read each other's buffers.
/// </para>
/// </summary>
internal sealed class EnsembleRun : IDisposable
{
    private readonly EnsemblePlan _plan;
    private readonly ModelCatalog _catalog;
    private readonly InferenceRequestPool _pool;
    private readonly InferenceRequest _request;
    private readonly EnsembleTensor[] _tensors;
    private readonly InferenceRequest?[] _stepRequests;
    private readonly InferenceError[] _stepErrors;

    public EnsembleRun(EnsemblePlan plan, ModelCatalog catalog, InferenceRequestPool pool, InferenceRequest request)
    {
        _plan = plan;
        _catalog = catalog;
        _pool = pool;
        _request = request;
        _tensors = new EnsembleTensor[plan.TensorNames.Length];
        _stepRequests = new InferenceRequest?[plan.Steps.Length];
        _stepErrors = new InferenceError[plan.Steps.Length];
        foreach (var input in request.Inputs)
        {
            ref var tensor = ref _tensors[plan.InputTensors[input.Spec!.Index]];
            tensor.DataType = input.DataType;
            tensor.Shape = input.Shape;
            tensor.Data = input.Data;
        }
    }

    /// <summary>Runs every step; the first failure (in completion order) is returned, naming its step.</summary>
    public async Task<InferenceError> RunAsync()
    {
        var waiting = _plan.Steps.Select(s => s.WaitsFor).ToArray();
        var running = new List<Task<int>>(_plan.Steps.Length);
        foreach (var step in _plan.StartSteps)
        {
            running.Add(RunStepAsync(_plan.Steps[step]));
        }

        var failure = InferenceError.None;
        while (running.Count > 0)
        {
            var finished = await Task.WhenAny(running).ConfigureAwait(false);
            running.Remove(finished);
            var index = await finished.ConfigureAwait(false);
            if (_stepErrors[index].IsError)
            {
                failure = failure.IsError ? failure : _stepErrors[index];
                continue;
            }

            foreach (var consumer in _plan.Steps[index].Consumers)
            {
                if (--waiting[consumer] == 0 && !failure.IsError)
                {
                    running.Add(RunStepAsync(_plan.Steps[consumer]));
                }
            }
        }

        return failure;
    }

    /// <summary>Moves the ensemble's outputs (those requested, else all) from the step requests into the ensemble request.</summary>
    public void DeliverOutputs(ModelSignature signature)
    {
        var requested = _request.RequestedOutputs;
        if (requested.Length == 0)
        {
            foreach (var output in signature.Outputs)
            {
                Deliver(output);
            }

            return;
        }

        foreach (var output in requested)
        {
            Deliver(output.Spec!);
        }
    }

    private void Deliver(TensorSpec spec)
    {
        ref var tensor = ref _tensors[_plan.OutputTensors[spec.Index]];
        _request.AdoptOutput(spec, tensor.Output!);
        tensor = default;
    }

    private async Task<int> RunStepAsync(EnsembleStep step)
    {
        // The composing version is resolved and held for this step alone: a reload between two requests, or two steps,
        // is picked up without failing either.
        var error = _catalog.TryAcquire(step.ModelName, step.VersionText, [], out var version, out _);
        if (error.IsError)
        {
            _stepErrors[step.Index] = StepError(step, error.Code == InferenceErrorCode.NotFound ? InferenceError.Unavailable(error.Message) : error);
            return step.Index;
        }

        try
        {
            if (version!.Sequences is not null)
            {
                // Checked at load too; a composing model reloaded as a sequence model since then would need its admission step.
                _stepErrors[step.Index] = StepError(step, InferenceError.Unavailable($"model '{version.Name}' is now a sequence model (sequence_batching), which this server does not run inside an ensemble"));
                return step.Index;
            }

            var request = _pool.Rent();
            _stepRequests[step.Index] = request;
            request.Id = _request.Id;
            request.Priority = _request.Priority;
            request.TimeoutMicroseconds = _request.TimeoutMicroseconds;
            request.ReceivedTimestamp = Stopwatch.GetTimestamp();
            foreach (var binding in step.Inputs)
            {
                ref readonly var tensor = ref _tensors[binding.Tensor];
                if (tensor.DataType == DataType.Invalid)
                {
                    // An optional ensemble input the caller left out: the composing model decides whether it may be missing.
                    continue;
                }

                var input = request.AddInput(binding.ModelTensor, tensor.DataType, tensor.Shape, version!.Signature.FindInput(binding.ModelTensor));
                InferenceRequest.SetInputData(input, tensor.Data);
            }

            error = RequestValidator.Validate(version!, request);
            if (error.IsError)
            {
                version!.Statistics.RecordFailure(FailureReason.Other, 0);
                _stepErrors[step.Index] = StepError(step, error);
                return step.Index;
            }

            await version!.ScheduleAsync(request).ConfigureAwait(false);
            if (request.Error.IsError)
            {
                _stepErrors[step.Index] = StepError(step, request.Error);
                return step.Index;
            }

            foreach (var binding in step.Outputs)
            {
                var output = Find(request.Outputs, binding.ModelTensor);
                if (output is null)
                {
                    _stepErrors[step.Index] = StepError(step, InferenceError.Internal($"the model returned no output '{binding.ModelTensor}'"));
                    return step.Index;
                }

                _tensors[binding.Tensor] = new EnsembleTensor { DataType = output.DataType, Shape = output.Shape, Data = output.Data, Output = output };
            }

            return step.Index;
        }
        catch (Exception ex)
        {
            // A defect in a step must still reach the coordinator as this step's failure: it waits for the other running
            // steps before the step requests (whose buffers they read) go back to their pool.
            _stepErrors[step.Index] = StepError(step, InferenceError.Internal($"{ex.GetType().Name}: {ex.Message}"));
            return step.Index;
        }
        finally
        {
            version!.Release();
        }
    }

    private InferenceError StepError(EnsembleStep step, InferenceError error) =>
        new(error.Code, $"ensemble '{_plan.EnsembleName}' {step.Describe()} failed: {error.Message}");

    private static InferenceOutput? Find(ReadOnlySpan<InferenceOutput> outputs, string name)
    {
        foreach (var output in outputs)
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        return null;
    }

    /// <summary>Returns the step requests (and whatever outputs were not delivered) to their pool.</summary>
    public void Dispose()
    {
        for (var i = 0; i < _stepRequests.Length; i++)
        {
            if (_stepRequests[i] is { } request)
            {
                _stepRequests[i] = null;
                _pool.Return(request);
            }
        }
    }
}
