namespace InferenceServer.FunctionalTests.Lifecycle.Chaos;

/// <summary>How the chaos soak's server takes a change of its repository.</summary>
public enum ChaosControl
{
    /// <summary>Poll mode: the poller finds the change.</summary>
    Poll,

    /// <summary>Explicit mode: a load call through the repository API.</summary>
    Api,
}
