namespace InferenceServer.LoadTool.Thresholds;

/// <summary>The comparison of a <see cref="Threshold"/>: the measured value must be on this side of the limit.</summary>
public enum ThresholdOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
