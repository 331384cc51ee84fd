using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Protocols;

/// <summary>
/// Front-end settings the protocols need, bound from the command line by the host. Settings that are flags have no
/// default here: their defaults live in the host's one flag table, so each is stated once.
/// </summary>
public sealed class ServerContextOptions
{
    /// <summary>The name in server metadata.</summary>
    public string ServerName { get; init; } = "inference-server";

    /// <summary>The version in server metadata.</summary>
    public string ServerVersion { get; init; } = "0.1.0";

    /// <summary>
    /// The GPUs the server found, one line each ("0: NVIDIA H200 (cc 9.0, 139.8 GiB, 0000:00:06.0)"); HTTP
    /// server metadata lists them under "gpus" (omitted when there are none; clients ignore fields they do
    /// not know). gRPC's ServerMetadataResponse has no place for them.
    /// </summary>
    public IReadOnlyList<string> Gpus { get; init; } = [];

    /// <summary>Ready only when every model version is ready (tritonserver's --strict-readiness).</summary>
    public required bool StrictReadiness { get; init; }

    /// <summary>Largest HTTP request body in bytes, after decompression (--http-max-input-size).</summary>
    public required long MaxHttpBodyBytes { get; init; }

    /// <summary>JSON nesting limit (Triton's: 100).</summary>
    public int MaxJsonDepth { get; init; } = 100;

    /// <summary>Model control mode: none, poll or explicit (load/unload only in explicit; --model-control-mode).</summary>
    public required ModelControlMode ModelControlMode { get; init; }

    /// <summary>Bearer token control calls must carry; null or empty: control calls are refused.</summary>
    public string? ControlToken { get; init; }

    /// <summary>Bearer token inference and metadata calls must carry; null or empty: open (the default).</summary>
    public string? InferenceToken { get; init; }

    /// <summary>Whether clients may register shared-memory regions (<c>--allow-client-shm</c>; off by default, as Triton).</summary>
    public bool AllowClientSharedMemory { get; init; }
}
