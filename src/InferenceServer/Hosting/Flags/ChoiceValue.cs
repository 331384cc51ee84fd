namespace InferenceServer.Hosting.Flags;

/// <summary>One of a fixed set of names (an enum's values, spelled as tritonserver does; case matters, as there).</summary>
/// <typeparam name="T">The enum the names stand for.</typeparam>
internal sealed class ChoiceValue<T> : IFlagValue<T>
    where T : struct, Enum
{
    private readonly string _noun;
    private readonly IReadOnlyList<T> _choices;
    private readonly Func<T, string> _name;

    /// <param name="noun">What a value is, for the error ("a mode").</param>
    /// <param name="name">A choice's name on the command line (no reflection: the enum's owner spells them).</param>
    public ChoiceValue(string noun, IReadOnlyList<T> choices, Func<T, string> name)
    {
        _noun = noun;
        _choices = choices;
        _name = name;
        var names = choices.Select(name).ToList();
        Accepts = names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} or {names[^1]}";
    }

    public string? Accepts { get; }

    public string? Parse(string flag, string text, out T value)
    {
        foreach (var choice in _choices)
        {
            if (_name(choice) == text)
            {
                value = choice;
                return null;
            }
        }

        value = default;
        return $"--{flag}={text} is not {_noun}; use {Accepts}";
    }

    public string Format(T value) => _name(value);
}
