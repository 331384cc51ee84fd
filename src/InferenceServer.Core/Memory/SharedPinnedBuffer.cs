using Microsoft.Extensions.ObjectPool;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A reference-counted holder of one <see cref="PinnedBuffer"/> that several owners read, e.g. a
/// batched output that each response of the batch reads a slice of. The holder owns the buffer; each
/// owner calls <see cref="Release"/> once, and the last release disposes the buffer.
/// </summary>
/// <remarks>
/// Holders are pooled, so a steady stream of batches allocates nothing here. Because a released
/// holder is reused, a reference kept past the owner's own <see cref="Release"/> must not be used:
/// releasing more times than there are owners throws only while the holder has not been reused.
/// </remarks>
public sealed class SharedPinnedBuffer
{
    private static readonly ObjectPool<SharedPinnedBuffer> Pool =
        new DefaultObjectPool<SharedPinnedBuffer>(new Policy(), Environment.ProcessorCount * 16);

    private PinnedBuffer? _buffer;
    private int _owners;

    private SharedPinnedBuffer()
    {
    }

    /// <summary>Takes ownership of <paramref name="buffer"/> for <paramref name="owners"/> owners (1 or more).</summary>
    public static SharedPinnedBuffer Create(PinnedBuffer buffer, int owners)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfLessThan(owners, 1);
        var shared = Pool.Get();
        shared._buffer = buffer;
        Volatile.Write(ref shared._owners, owners);
        return shared;
    }

    /// <summary>The shared buffer; valid until the owner that reads it has called <see cref="Release"/>.</summary>
    public PinnedBuffer Buffer => _buffer ?? throw new InvalidOperationException("The shared pinned buffer was released by all its owners.");

    /// <summary>Owners that have not released yet.</summary>
    public int Owners => Volatile.Read(ref _owners);

    /// <summary>Ends one owner's share; the last one disposes the buffer and returns this holder to its pool.</summary>
    public void Release()
    {
        var owners = Volatile.Read(ref _owners);
        while (true)
        {
            if (owners <= 0)
            {
                ThrowOverReleased();
            }

            var seen = Interlocked.CompareExchange(ref _owners, owners - 1, owners);
            if (seen == owners)
            {
                break;
            }

            owners = seen;
        }

        if (owners == 1)
        {
            var buffer = _buffer!;
            _buffer = null;
            buffer.Dispose();
            Pool.Return(this);
        }
    }

    private static void ThrowOverReleased() =>
        throw new InvalidOperationException("Shared pinned buffer released more times than it has owners.");

    private sealed class Policy : PooledObjectPolicy<SharedPinnedBuffer>
    {
        public override SharedPinnedBuffer Create() => new();

        public override bool Return(SharedPinnedBuffer obj) => true;
    }
}
