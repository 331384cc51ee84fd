using InferenceServer.Core.Models;

namespace InferenceServer.Core.Inference;

/// <summary>An output the caller asked for, with the front end's delivery preferences.</summary>
public sealed class RequestedOutput
{
    public string Name { get; internal set; } = "";

    /// <summary>HTTP only: return the tensor as a binary blob instead of JSON.</summary>
    public bool Binary { get; internal set; }

    /// <summary>The model tensor (set by validation).</summary>
    public TensorSpec? Spec { get; internal set; }

    /// <summary>The classification extension's k: return the top k classes as BYTES instead of the tensor (0: off).</summary>
    public int ClassCount { get; set; }

    /// <summary>Where in a shared-memory region to write the tensor, instead of the response (the request owns the lease).</summary>
    public SharedMemory.SharedMemoryLease? SharedMemory { get; internal set; }

    internal void Reset()
    {
        Name = "";
        Binary = false;
        Spec = null;
        ClassCount = 0;
        SharedMemory = null;
    }
}
