namespace InferenceServer.Core.Scheduling;

/// <summary>Nanoseconds one model execution spent preparing inputs, running the model, and producing outputs.</summary>
public readonly record struct ExecutionTimings(long InputNanoseconds, long InferNanoseconds, long OutputNanoseconds);
