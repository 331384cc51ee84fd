namespace InferenceServer.Core.Tracing;

/// <summary>
/// The settings a model sets for itself; a setting left null follows the server's (Triton: a model's settings override
/// the global ones field by field, and clearing one returns it to the global value).
/// </summary>
public sealed record TraceSettingOverrides(TraceLevel? Level = null, long? Rate = null, long? Count = null, long? LogFrequency = null, string? File = null)
{
    public static readonly TraceSettingOverrides None = new();

    public bool IsEmpty => this == None;

    /// <summary>These overrides over <paramref name="global"/>.</summary>
    public TraceSettings Over(TraceSettings global) => new(
        Level ?? global.Level, Rate ?? global.Rate, Count ?? global.Count, LogFrequency ?? global.LogFrequency, File ?? global.File, global.Mode);
}
