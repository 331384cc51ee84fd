using System.Diagnostics;

namespace InferenceServer.Core.Memory;

/// <summary>
/// A lease on a block of one GPU's memory, rented from that GPU's <see cref="DeviceMemoryPool"/>.
/// </summary>
/// <remarks>
/// Exactly one owner holds a lease; <see cref="Dispose"/> ends it (a size-classed block goes back to
/// the pool, an overflow block is freed). Every rent gets a fresh lease object, so a stale reference
/// is always told apart from the block's next owner: once returned, <see cref="Address"/> reads 0 and
/// <see cref="IsRented"/> false, and a second <see cref="Dispose"/> is a bug in the caller, thrown in
/// debug mode (with the stack of the first return) and otherwise counted in
/// <see cref="DeviceMemoryPool.DoubleReturnCount"/> and ignored, because a throw on a model thread
/// would take the process down.
/// </remarks>
public sealed class DeviceBuffer : IDisposable
{
    private readonly DeviceMemoryPool _pool;
    private nint _address;

    internal DeviceBuffer(DeviceMemoryPool pool, nint address, int length, int capacity, int sizeClass, long rentSequence, long rentTimestamp, StackTrace? rentStack)
    {
        _pool = pool;
        _address = address;
        Length = length;
        Capacity = capacity;
        SizeClass = sizeClass;
        RentSequence = rentSequence;
        RentTimestamp = rentTimestamp;
        RentStack = rentStack;
    }

    /// <summary>Device address of the first byte; 0 once returned, so a stale lease cannot hand the next owner's memory to a kernel.</summary>
    public nint Address => Volatile.Read(ref _address);

    /// <summary>Bytes the renter asked for.</summary>
    public int Length { get; }

    /// <summary>Bytes of device memory behind the lease: the size class, or exactly the length (at least 1) for an overflow block.</summary>
    public int Capacity { get; }

    /// <summary>An exact-size block outside the pool's budget (budget full, or longer than <see cref="DeviceMemoryPool.LargestPooledLength"/>), freed on return.</summary>
    public bool IsOverflow => SizeClass < 0;

    /// <summary>True from <see cref="DeviceMemoryPool.Rent"/> until <see cref="Dispose"/>.</summary>
    public bool IsRented => Address != 0;

    /// <summary>Index of the pool's size class, or -1 for an overflow block.</summary>
    internal int SizeClass { get; }

    /// <summary>The pool's rent counter when this lease was rented: orders the leak report.</summary>
    internal long RentSequence { get; }

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when this lease was rented.</summary>
    internal long RentTimestamp { get; }

    /// <summary>Debug mode: where this lease was rented.</summary>
    internal StackTrace? RentStack { get; }

    /// <summary>Debug mode: where this lease was returned, for the double-return report.</summary>
    internal StackTrace? ReturnStack { get; private set; }

    /// <summary>Ends the lease: the block goes back to the pool, or is freed when it is an overflow block.</summary>
    public void Dispose()
    {
        var returnStack = _pool.IsDebug ? new StackTrace(fNeedFileInfo: true) : null;

        // Taking the address is taking ownership back: only one Dispose can get a non-zero one.
        var address = Interlocked.Exchange(ref _address, 0);
        if (address == 0)
        {
            _pool.OnDoubleReturn(this);
            return;
        }

        ReturnStack = returnStack;
        _pool.Return(this, address);
    }
}
