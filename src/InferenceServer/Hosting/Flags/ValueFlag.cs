namespace InferenceServer.Hosting.Flags;

/// <summary>A flag with one value; given more than once, the last wins.</summary>
/// <typeparam name="T">The option's type.</typeparam>
internal sealed class ValueFlag<T> : FlagDefinition
{
    private readonly IFlagValue<T> _value;
    private readonly Func<ServerOptions, T> _get;
    private readonly Action<ServerOptions, T> _set;

    /// <param name="defaultValue">The one place the default is written: <see cref="ServerOptions"/> starts from it.</param>
    /// <param name="get">Reads the option (tests compare it with the default).</param>
    /// <param name="set">Writes the option once the value is checked.</param>
    public ValueFlag(string name, T defaultValue, IFlagValue<T> value, string help, Func<ServerOptions, T> get, Action<ServerOptions, T> set)
        : base(name, help)
    {
        Default = defaultValue;
        _value = value;
        _get = get;
        _set = set;
    }

    public T Default { get; }

    public override bool Repeatable => false;

    public override string DefaultText => _value.Format(Default);

    public override string? Accepts => _value.Accepts;

    public override string? Apply(ServerOptions options, string text)
    {
        var error = _value.Parse(Name, text, out var parsed);
        if (error is null)
        {
            _set(options, parsed);
        }

        return error;
    }

    public override bool HoldsDefault(ServerOptions options) => EqualityComparer<T>.Default.Equals(_get(options), Default);
}
