using InferenceServer.LoadTool.Load;

namespace InferenceServer.LoadTool.Replay;

/// <summary>
/// The gaps of a capture, divided by the replay speed: request i is due at its recorded offset / speed after the
/// first. After the last request the next send is a day away, so the step ends without sending more.
/// </summary>
internal sealed class ReplaySchedule(IReadOnlyList<long> offsetsMicroseconds, double speed) : ISendSchedule
{
    private const double AfterTheLast = 86_400;

    private int _next;

    public double NextGapSeconds()
    {
        var i = _next++;
        if (i >= offsetsMicroseconds.Count)
        {
            return AfterTheLast;
        }

        var previous = i == 0 ? offsetsMicroseconds[0] : offsetsMicroseconds[i - 1];
        return Math.Max(0, offsetsMicroseconds[i] - previous) / 1e6 / speed;
    }
}
