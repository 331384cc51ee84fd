namespace InferenceServer.LoadTool.Load;

/// <summary>The gaps between open-loop send times.</summary>
internal interface ISendSchedule
{
    /// <summary>Seconds from the previous intended send to the next.</summary>
    double NextGapSeconds();
}
