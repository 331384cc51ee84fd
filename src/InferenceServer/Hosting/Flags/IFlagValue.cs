namespace InferenceServer.Hosting.Flags;

/// <summary>A kind of flag value: how text becomes a value, what is accepted, and how a value prints in <c>--help</c>.</summary>
/// <typeparam name="T">The parsed value.</typeparam>
internal interface IFlagValue<T>
{
    /// <summary>What a value must be ("an integer in [0, 65535]"), for help and errors; null when any text will do.</summary>
    string? Accepts { get; }

    /// <summary>Parses <paramref name="text"/> given to <c>--<paramref name="flag"/></c>; returns the error naming the flag, or null.</summary>
    string? Parse(string flag, string text, out T value);

    /// <summary>The value as the command line would spell it ("(none)" for nothing).</summary>
    string Format(T value);
}
