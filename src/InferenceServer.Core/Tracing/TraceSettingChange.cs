namespace InferenceServer.Core.Tracing;

/// <summary>
/// One setting in a change, as both protocols carry it: a name and its values as text (Triton sends every value as a
/// string, <c>trace_level</c> as a list). <see cref="Values"/> null (HTTP's JSON null, a gRPC setting with no values)
/// clears a model's setting back to the server's.
/// </summary>
public readonly record struct TraceSettingChange(string Name, IReadOnlyList<string>? Values);
