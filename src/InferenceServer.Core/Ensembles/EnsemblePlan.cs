namespace InferenceServer.Core.Ensembles;

/// <summary>
/// An ensemble's steps as a checked graph (<see cref="EnsemblePlanner"/>): every tensor has one writer (an ensemble input
/// or one step), every step's inputs exist, there is no cycle, and every ensemble output is written by a step. Immutable;
/// each request runs it with its own <see cref="EnsembleRun"/>.
/// </summary>
internal sealed class EnsemblePlan
{
    public EnsemblePlan(string ensembleName, EnsembleStep[] steps, string[] tensorNames, int[] inputTensors, int[] outputTensors, int[] startSteps)
    {
        EnsembleName = ensembleName;
        Steps = steps;
        TensorNames = tensorNames;
        InputTensors = inputTensors;
        OutputTensors = outputTensors;
        StartSteps = startSteps;
    }

    public string EnsembleName { get; }

    public EnsembleStep[] Steps { get; }

    /// <summary>Every ensemble tensor by id: the ensemble's inputs first, then what the steps write.</summary>
    public string[] TensorNames { get; }

    /// <summary>The tensor id of each ensemble input, by the input's index in the signature.</summary>
    public int[] InputTensors { get; }

    /// <summary>The tensor id of each ensemble output, by the output's index in the signature.</summary>
    public int[] OutputTensors { get; }

    /// <summary>Steps that read only ensemble inputs: each request starts them at once, together.</summary>
    public int[] StartSteps { get; }

    /// <summary>The composing models' names, each once, in step order.</summary>
    public IEnumerable<string> ComposingModels => Steps.Select(s => s.ModelName).Distinct(StringComparer.Ordinal);
}
