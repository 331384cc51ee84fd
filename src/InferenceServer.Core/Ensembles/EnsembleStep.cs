using System.Globalization;

namespace InferenceServer.Core.Ensembles;

/// <summary>
/// One step of a planned ensemble: the composing model it calls, the ensemble tensors it reads and writes, and the
/// steps that read what it writes (they may start once every step they wait for has finished).
/// </summary>
internal sealed class EnsembleStep
{
    public EnsembleStep(int index, string modelName, long modelVersion, EnsembleBinding[] inputs, EnsembleBinding[] outputs)
    {
        Index = index;
        ModelName = modelName;
        // Version folders are positive integers, so an omitted model_version (0 in the proto) also means the latest.
        ModelVersion = modelVersion <= 0 ? -1 : modelVersion;
        VersionText = ModelVersion < 0 ? "" : modelVersion.ToString(CultureInfo.InvariantCulture);
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Position in the config's <c>ensemble_scheduling.step</c> list (what messages name).</summary>
    public int Index { get; }

    public string ModelName { get; }

    /// <summary>The <c>model_version</c> the step names; -1 is the latest ready version (what -1, or 0 / no value, ask for).</summary>
    public long ModelVersion { get; }

    /// <summary>The version as a request names it ("" for the latest), resolved through the catalog for each run.</summary>
    public string VersionText { get; }

    public EnsembleBinding[] Inputs { get; }

    public EnsembleBinding[] Outputs { get; }

    /// <summary>Steps that read a tensor this step writes, each once.</summary>
    public int[] Consumers { get; internal set; } = [];

    /// <summary>How many distinct steps must finish before this one can start (0: it reads only ensemble inputs).</summary>
    public int WaitsFor { get; internal set; }

    /// <summary>How messages name the step: its index and model.</summary>
    public string Describe() => $"step {Index} (model '{ModelName}'{(ModelVersion < 0 ? "" : $" version {ModelVersion}")})";
}
