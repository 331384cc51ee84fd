using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Options;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>Hears how a run goes, as it goes.</summary>
internal interface ILoadProgress
{
    /// <summary>About once a second during a window: the step's completions so far.</summary>
    void Running(LoadLevel level, TimeSpan elapsed, long successes, long errors);

    void WindowClosed(LoadLevel level, int window, WindowResult result, bool stable);

    void StepFinished(LoadLevel level, StepReport step);
}

internal sealed class NullProgress : ILoadProgress
{
    public static readonly NullProgress Instance = new();

    public void Running(LoadLevel level, TimeSpan elapsed, long successes, long errors)
    {
    }

    public void WindowClosed(LoadLevel level, int window, WindowResult result, bool stable)
    {
    }

    public void StepFinished(LoadLevel level, StepReport step)
    {
    }
}
