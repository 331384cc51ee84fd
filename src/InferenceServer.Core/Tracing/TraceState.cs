using System.Collections.Frozen;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// The trace settings in force, immutable and published with one volatile write (a change builds a new one): the
/// server's scope, and a scope for each model that has settings of its own.
/// </summary>
internal sealed class TraceState
{
    public TraceState(TraceScope global, FrozenDictionary<string, TraceSettingOverrides> overrides, FrozenDictionary<string, TraceScope> models)
    {
        Global = global;
        Overrides = overrides;
        Models = models;
        Enabled = global.Settings.Level != TraceLevel.Off || models.Values.Any(scope => scope.Settings.Level != TraceLevel.Off);
    }

    public TraceScope Global { get; }

    /// <summary>Each model's own settings, as set (the rest follows <see cref="Global"/>).</summary>
    public FrozenDictionary<string, TraceSettingOverrides> Overrides { get; }

    /// <summary>Each model with settings of its own: its scope.</summary>
    public FrozenDictionary<string, TraceScope> Models { get; }

    /// <summary>Whether any scope traces at all: the one flag the request path reads while tracing is off.</summary>
    public bool Enabled { get; }

    public TraceScope ScopeOf(string model) => Models.Count > 0 && Models.TryGetValue(model, out var scope) ? scope : Global;
}
