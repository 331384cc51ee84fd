namespace InferenceServer.Core.Models;

/// <summary>Lifecycle states as the repository index reports them.</summary>
public enum ModelState
{
    Unknown,
    Ready,
    Unavailable,
    Loading,
    Unloading,
}

/// <summary>Protocol strings of <see cref="ModelState"/>.</summary>
public static class ModelStates
{
    public static string ToProtocolString(this ModelState state) => state switch
    {
        ModelState.Ready => "READY",
        ModelState.Unavailable => "UNAVAILABLE",
        ModelState.Loading => "LOADING",
        ModelState.Unloading => "UNLOADING",
        _ => "UNKNOWN",
    };
}
