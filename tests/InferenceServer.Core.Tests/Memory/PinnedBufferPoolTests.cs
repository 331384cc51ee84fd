using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

public class PinnedBufferPoolTests
{
    private const int Smallest = 4096;
    private const int Largest = 64 << 20;

    [Theory]
    [InlineData(0, Smallest)]
    [InlineData(1, Smallest)]
    [InlineData(Smallest - 1, Smallest)]
    [InlineData(Smallest, Smallest)]
    [InlineData(Smallest + 1, 2 * Smallest)]
    [InlineData(65_536, 65_536)]
    [InlineData(65_537, 131_072)]
    [InlineData((1 << 20) - 1, 1 << 20)]
    [InlineData(Largest, Largest)]
    public void Rent_Length_GetsPowerOfTwoSizeClassAndExactLength(int length, int expectedCapacity)
    {
        using var pool = new PinnedBufferPool();

        using var buffer = pool.Rent(length);

        Assert.Equal(expectedCapacity, buffer.Capacity);
        Assert.Equal(length, buffer.Length);
        Assert.Equal(length, buffer.Span.Length);
        Assert.Equal(length, buffer.Memory.Length);
        Assert.Equal(expectedCapacity, pool.RentedBytes);
        Assert.Equal(expectedCapacity, pool.AllocatedBytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    [InlineData(1 << 20)]
    [InlineData(Largest + 1)]
    public void Rent_AnySize_AddressIs64ByteAligned(int length)
    {
        using var pool = new PinnedBufferPool();

        using var buffer = pool.Rent(length);

        Assert.Equal(0, buffer.Pointer % PinnedBufferPool.Alignment);
        Assert.Equal(64, PinnedBufferPool.Alignment);
    }

    [Fact]
    public void Rent_ManyBuffers_EveryAddressIs64ByteAligned()
    {
        using var pool = new PinnedBufferPool();
        var buffers = Enumerable.Range(1, 64).Select(i => pool.Rent(i * 37)).ToArray();

        Assert.All(buffers, b => Assert.Equal(0, b.Pointer % PinnedBufferPool.Alignment));

        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void Rent_NegativeLength_Throws()
    {
        using var pool = new PinnedBufferPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(-1));
        Assert.Equal(0, pool.AllocatedBytes);
    }

    [Fact]
    public void Rent_AfterReturnInSameClass_ReusesTheBuffer()
    {
        using var pool = new PinnedBufferPool();
        var first = pool.Rent(100);
        var address = first.Pointer;
        first.Dispose();

        using var second = pool.Rent(3000);

        Assert.Same(first, second);
        Assert.Equal(address, second.Pointer);
        Assert.Equal(3000, second.Length);
        Assert.Equal(Smallest, pool.AllocatedBytes);
        Assert.Equal(Smallest, pool.RentedBytes);
    }

    [Fact]
    public void Rent_AfterReturnInOtherClass_AllocatesNewBuffer()
    {
        using var pool = new PinnedBufferPool();
        var small = pool.Rent(100);
        small.Dispose();

        using var large = pool.Rent(Smallest + 1);

        Assert.NotSame(small, large);
        Assert.Equal(2 * Smallest, large.Capacity);
        Assert.Equal(Smallest + (2 * Smallest), pool.AllocatedBytes);
    }

    [Fact]
    public void Return_WithinRetainedLimit_KeepsMemoryForReuse()
    {
        using var pool = new PinnedBufferPool(retainedByteLimit: 2 * Smallest);
        var a = pool.Rent(1);
        var b = pool.Rent(1);

        a.Dispose();
        b.Dispose();

        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
    }

    [Fact]
    public void Return_BeyondRetainedLimit_FreesTheExcess()
    {
        using var pool = new PinnedBufferPool(retainedByteLimit: 2 * Smallest);
        var buffers = new[] { pool.Rent(1), pool.Rent(1), pool.Rent(1), pool.Rent(1) };
        Assert.Equal(4 * Smallest, pool.AllocatedBytes);

        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }

        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);

        // The two kept buffers are reused; the third rent allocates again.
        var again = new[] { pool.Rent(1), pool.Rent(1), pool.Rent(1) };
        Assert.Equal(2, again.Count(b => buffers.Contains(b)));
        Assert.Equal(3 * Smallest, pool.AllocatedBytes);
        foreach (var buffer in again)
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void Return_BufferLargerThanRetainedLimit_IsFreed()
    {
        using var pool = new PinnedBufferPool(retainedByteLimit: Smallest);

        pool.Rent(Smallest + 1).Dispose();

        Assert.Equal(0, pool.AllocatedBytes);
    }

    [Fact]
    public void Return_ZeroRetainedLimit_FreesEveryBuffer()
    {
        using var pool = new PinnedBufferPool(retainedByteLimit: 0);
        var first = pool.Rent(10);
        first.Dispose();

        using var second = pool.Rent(10);

        Assert.NotSame(first, second);
        Assert.Equal(Smallest, pool.AllocatedBytes);
    }

    [Fact]
    public void Rent_AboveLargestClass_AllocatesExactlyAndFreesOnReturn()
    {
        using var pool = new PinnedBufferPool();
        const int Length = Largest + 1;

        var buffer = pool.Rent(Length);
        Assert.Equal(Length, buffer.Capacity);
        Assert.Equal(Length, buffer.Length);
        Assert.Equal(Length, pool.AllocatedBytes);
        Assert.Equal(Length, pool.RentedBytes);

        buffer.Dispose();

        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.RentedBytes);
        using var next = pool.Rent(Length);
        Assert.NotSame(buffer, next);
    }

    [Fact]
    public void Dispose_SecondReturnOfSameBuffer_Throws()
    {
        using var pool = new PinnedBufferPool(trackLeaks: true);
        var buffer = pool.Rent(10);
        buffer.Dispose();

        var ex = Assert.Throws<InvalidOperationException>(buffer.Dispose);

        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.OutstandingCount);

        // The pool holds the buffer once: two rents get two different buffers.
        using var a = pool.Rent(10);
        using var b = pool.Rent(10);
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Dispose_SecondReturnOfOversizeBuffer_Throws()
    {
        using var pool = new PinnedBufferPool();
        var buffer = pool.Rent(Largest + 1);
        buffer.Dispose();

        Assert.Throws<InvalidOperationException>(buffer.Dispose);
        Assert.Equal(0, pool.AllocatedBytes);
    }

    [Fact]
    public void OutstandingCount_WithLeakTracking_CountsRentedBuffers()
    {
        using var pool = new PinnedBufferPool(trackLeaks: true);
        Assert.Equal(0, pool.OutstandingCount);

        var a = pool.Rent(1);
        var b = pool.Rent(Largest + 1);
        var c = pool.Rent(10_000);
        Assert.Equal(3, pool.OutstandingCount);

        b.Dispose();
        Assert.Equal(2, pool.OutstandingCount);

        a.Dispose();
        c.Dispose();
        Assert.Equal(0, pool.OutstandingCount);

        // A reused buffer is outstanding again while rented.
        using var d = pool.Rent(1);
        Assert.Equal(1, pool.OutstandingCount);
    }

    [Fact]
    public void OutstandingCount_WithoutLeakTracking_IsMinusOne()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(1);

        Assert.Equal(-1, pool.OutstandingCount);
    }

    [Fact]
    public void Dispose_Pool_FreesIdleBuffersAndLaterReturnsFree()
    {
        var pool = new PinnedBufferPool(trackLeaks: true);
        var idle = pool.Rent(1);
        var held = pool.Rent(1);
        idle.Dispose();
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);

        pool.Dispose();
        Assert.Equal(Smallest, pool.AllocatedBytes);

        held.Dispose();
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.OutstandingCount);

        // Disposing twice is harmless.
        pool.Dispose();
    }

    [Fact]
    public void RetainedByteLimit_Default_Is256MiB()
    {
        using var pool = new PinnedBufferPool();

        Assert.Equal(256L << 20, pool.RetainedByteLimit);
        Assert.Equal(1000, new PinnedBufferPool(retainedByteLimit: 1000).RetainedByteLimit);
    }
}
