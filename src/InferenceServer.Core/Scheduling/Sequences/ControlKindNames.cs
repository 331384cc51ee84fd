using ControlKind = Inference.ModelSequenceBatching.Types.Control.Types.Kind;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>The control kinds as configs spell them, for messages.</summary>
internal static class ControlKindNames
{
    public static string ToConfigName(this ControlKind kind) => kind switch
    {
        ControlKind.ControlSequenceStart => "CONTROL_SEQUENCE_START",
        ControlKind.ControlSequenceReady => "CONTROL_SEQUENCE_READY",
        ControlKind.ControlSequenceEnd => "CONTROL_SEQUENCE_END",
        ControlKind.ControlSequenceCorrid => "CONTROL_SEQUENCE_CORRID",
        _ => kind.ToString(),
    };
}
