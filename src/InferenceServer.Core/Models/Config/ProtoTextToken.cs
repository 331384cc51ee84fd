namespace InferenceServer.Core.Models.Config;

/// <summary>One token: where it sits in the text (offset and length) and its 1-based line and column.</summary>
internal readonly record struct ProtoTextToken(ProtoTextTokenKind Kind, int Start, int Length, int Line, int Column);
