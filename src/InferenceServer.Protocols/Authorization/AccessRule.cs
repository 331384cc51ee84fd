namespace InferenceServer.Protocols.Authorization;

/// <summary>What a call must carry to be served.</summary>
public enum AccessRule
{
    /// <summary>Nothing: probes and load balancers carry no credentials.</summary>
    Open,

    /// <summary>The inference token, when the server has one (<c>--inference-token-file</c>); open otherwise, as in Triton.</summary>
    InferenceToken,

    /// <summary>Explicit model control mode and the control token: the call changes which files the server runs or who gets which version.</summary>
    ModelControl,

    /// <summary>The control token, in every mode: the call changes a server setting.</summary>
    SettingsControl,

    /// <summary>
    /// The control token when the server has one, else as <see cref="InferenceToken"/>: the call makes the server map memory a
    /// client names (shared-memory registration, itself off unless <c>--allow-client-shm</c>).
    /// </summary>
    ControlTokenWhenConfigured,
}
