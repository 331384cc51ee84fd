namespace InferenceServer.Hosting.Flags;

/// <summary>
/// One row of the flag table (<see cref="ServerFlags"/>): the name tritonserver gives the flag, the other places its
/// value may come from, its help line, and how a value is checked and applied to <see cref="ServerOptions"/>. The
/// parser, <c>--help</c> and the tests all read the rows, so a flag's spelling, default and range are written once.
/// </summary>
internal abstract class FlagDefinition
{
    /// <summary>The environment variables' prefix; the rest is the flag in upper case with '_' for '-'.</summary>
    public const string EnvironmentPrefix = "INFERENCE_SERVER_";

    protected FlagDefinition(string name, string help)
    {
        Name = name;
        Help = help;
        EnvironmentVariable = EnvironmentPrefix + name.Replace('-', '_').ToUpperInvariant();
        SettingsKey = name.Replace("-", "", StringComparison.Ordinal);
    }

    /// <summary>The name after <c>--</c>, as tritonserver spells it.</summary>
    public string Name { get; }

    /// <summary>Other names the command line accepts for it (older tritonserver spellings).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The line <c>--help</c> prints.</summary>
    public string Help { get; }

    /// <summary>The environment variable that sets it when the command line does not (e.g. <c>INFERENCE_SERVER_HTTP_PORT</c>).</summary>
    public string EnvironmentVariable { get; }

    /// <summary>The key in appsettings.json beside the binary: the name without dashes (e.g. <c>httpport</c>).</summary>
    public string SettingsKey { get; }

    /// <summary>Start-up fails with "--name is required" while the option still holds its default.</summary>
    public bool Required { get; init; }

    /// <summary>Each occurrence on the command line adds a value; for other flags the last one wins.</summary>
    public abstract bool Repeatable { get; }

    /// <summary>The default as <c>--help</c> shows it.</summary>
    public abstract string DefaultText { get; }

    /// <summary>What a value must be, for <c>--help</c> ("an integer in [0, 65535]"); null when any text will do.</summary>
    public abstract string? Accepts { get; }

    /// <summary>Checks <paramref name="text"/> and sets the option; returns the error (naming the flag) or null.</summary>
    public abstract string? Apply(ServerOptions options, string text);

    /// <summary>Whether <paramref name="options"/> hold this flag's default, as the parser leaves them when the flag is absent.</summary>
    public abstract bool HoldsDefault(ServerOptions options);
}
