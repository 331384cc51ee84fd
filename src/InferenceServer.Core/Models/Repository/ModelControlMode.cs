namespace InferenceServer.Core.Models.Repository;

/// <summary>Who changes what is served after start-up (tritonserver's <c>--model-control-mode</c>).</summary>
public enum ModelControlMode
{
    /// <summary>Everything in the repository loads at start-up and nothing changes afterwards (Triton's default).</summary>
    None,

    /// <summary>Everything loads at start-up, then repository changes apply as they settle (the folder is the source of truth).</summary>
    Poll,

    /// <summary>Only the repository API loads and unloads; start-up loads the models named by <c>--load-model</c>.</summary>
    Explicit,
}

/// <summary>The modes' names as tritonserver spells them, on its command line and in its messages.</summary>
public static class ModelControlModeNames
{
    /// <summary>Every mode, in the order help and error messages list them.</summary>
    public static IReadOnlyList<ModelControlMode> All { get; } = [ModelControlMode.None, ModelControlMode.Poll, ModelControlMode.Explicit];

    /// <summary>"none", "poll" or "explicit".</summary>
    public static string ToName(this ModelControlMode mode) => mode switch
    {
        ModelControlMode.Poll => "poll",
        ModelControlMode.Explicit => "explicit",
        _ => "none",
    };
}
