namespace InferenceServer.Hosting.Flags;

/// <summary>
/// A flag each occurrence of which adds a value (<c>--load-model=a --load-model=b</c>). The environment and the
/// settings file give one value, used only when the command line gives none.
/// </summary>
/// <typeparam name="T">One occurrence's value.</typeparam>
internal sealed class RepeatedFlag<T> : FlagDefinition
{
    private readonly IFlagValue<T> _value;
    private readonly Func<ServerOptions, bool> _isEmpty;
    private readonly Action<ServerOptions, T> _add;

    /// <param name="defaultText">What applies when the flag is absent, for <c>--help</c>.</param>
    /// <param name="isEmpty">Whether the options hold no value yet (the default).</param>
    /// <param name="add">Adds one checked value to the options.</param>
    public RepeatedFlag(string name, string defaultText, IFlagValue<T> value, string help, Func<ServerOptions, bool> isEmpty, Action<ServerOptions, T> add)
        : base(name, help)
    {
        DefaultText = defaultText;
        _value = value;
        _isEmpty = isEmpty;
        _add = add;
    }

    public override bool Repeatable => true;

    public override string DefaultText { get; }

    public override string? Accepts => _value.Accepts;

    public override string? Apply(ServerOptions options, string text)
    {
        var error = _value.Parse(Name, text, out var parsed);
        if (error is null)
        {
            _add(options, parsed);
        }

        return error;
    }

    public override bool HoldsDefault(ServerOptions options) => _isEmpty(options);
}
