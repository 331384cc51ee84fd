namespace InferenceServer.Client.Tensors;

/// <summary>A request parameter (<c>"parameters": {...}</c> over HTTP, <c>InferParameter</c> over gRPC): a string, an integer or a boolean.</summary>
internal readonly record struct InferParameter(string Name, string? StringValue, long Int64Value, bool? BoolValue);
