using Microsoft.Extensions.ObjectPool;

namespace InferenceServer.Core.Inference;

/// <summary>The pool of <see cref="InferenceRequest"/> objects shared by all front ends.</summary>
public sealed class InferenceRequestPool
{
    private readonly ObjectPool<InferenceRequest> _pool =
        new DefaultObjectPool<InferenceRequest>(new DefaultPooledObjectPolicy<InferenceRequest>(), Environment.ProcessorCount * 64);

    public InferenceRequest Rent() => _pool.Get();

    /// <summary>Resets the request (returning its buffers) and keeps it for reuse.</summary>
    public void Return(InferenceRequest request) => _pool.Return(request);
}
