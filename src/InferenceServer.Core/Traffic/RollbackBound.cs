namespace InferenceServer.Core.Traffic;

/// <summary>The <see cref="RollbackPolicy"/> bound a <see cref="RollbackDecision"/> tripped on.</summary>
public enum RollbackBound
{
    None,
    MaxErrorRate,
    MaxP99Ratio,
}
