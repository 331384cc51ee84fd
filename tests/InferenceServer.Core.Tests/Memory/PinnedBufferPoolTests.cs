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
        Assert.False(buffer.IsFallback);
        Assert.Equal(expectedCapacity, pool.RentedBytes);
        Assert.Equal(expectedCapacity, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);
        Assert.Equal(0, pool.FallbackCount);
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
        Assert.Equal(0, pool.OutstandingCount);
    }

    [Fact]
    public void Rent_AfterReturnInSameClass_ReusesTheBuffer()
    {
        using var pool = new PinnedBufferPool();
        var first = pool.Rent(100);
        var address = first.Pointer;
        first.Dispose();
        Assert.Equal(Smallest, pool.IdleBytes);

        using var second = pool.Rent(3000);

        Assert.Same(first, second);
        Assert.Equal(address, second.Pointer);
        Assert.Equal(3000, second.Length);
        Assert.Equal(Smallest, pool.AllocatedBytes);
        Assert.Equal(Smallest, pool.RentedBytes);
        Assert.Equal(0, pool.IdleBytes);
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
        Assert.Equal(Smallest, pool.IdleBytes);
        Assert.Equal(0, pool.EvictedCount);
    }

    [Fact]
    public void Return_WithinBudget_KeepsMemoryIdleForReuse()
    {
        using var pool = new PinnedBufferPool(byteBudget: 2 * Smallest);
        var a = pool.Rent(1);
        var b = pool.Rent(1);

        a.Dispose();
        b.Dispose();

        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(2 * Smallest, pool.IdleBytes);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
        Assert.Equal(0, a.Length);
    }

    [Fact]
    public void Rent_BeyondBudget_FallsBackAndReusesPooledBuffersAfterReturn()
    {
        using var pool = new PinnedBufferPool(byteBudget: 2 * Smallest);
        var buffers = new[] { pool.Rent(1), pool.Rent(1), pool.Rent(1), pool.Rent(1) };

        Assert.Equal(2, buffers.Count(b => b.IsFallback));
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
        Assert.Equal(2, pool.FallbackCount);
        Assert.Equal(2, pool.FallbackBytes);
        Assert.Equal(2, pool.FallbackRentedBytes);

        foreach (var buffer in buffers)
        {
            buffer.Dispose();
        }

        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
        Assert.Equal(2 * Smallest, pool.IdleBytes);

        // The two pooled buffers are reused; the third rent falls back again.
        var again = new[] { pool.Rent(1), pool.Rent(1), pool.Rent(1) };
        Assert.Equal(2, again.Count(b => buffers.Contains(b) && !b.IsFallback));
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);
        Assert.Equal(3, pool.FallbackCount);
        foreach (var buffer in again)
        {
            buffer.Dispose();
        }
    }

    [Fact]
    public void Rent_SizeClassAboveBudget_FallsBackWithoutFreeingIdleBuffers()
    {
        using var pool = new PinnedBufferPool(byteBudget: Smallest);
        pool.Rent(1).Dispose();

        var buffer = pool.Rent(Smallest + 1);

        Assert.True(buffer.IsFallback);
        Assert.Equal(Smallest + 1, buffer.Capacity);
        Assert.Equal(0, pool.EvictedCount);
        Assert.Equal(Smallest, pool.IdleBytes);
        buffer.Dispose();
        Assert.Equal(Smallest, pool.AllocatedBytes);
        Assert.Equal(0, pool.FallbackRentedBytes);
    }

    [Fact]
    public void Rent_ZeroBudget_EveryRentIsAFallback()
    {
        using var pool = new PinnedBufferPool(byteBudget: 0);
        var first = pool.Rent(10);
        first.Dispose();

        using var second = pool.Rent(10);

        Assert.NotSame(first, second);
        Assert.True(second.IsFallback);
        Assert.Equal(10, second.Capacity);
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(2, pool.FallbackCount);
        Assert.Equal(20, pool.FallbackBytes);
        Assert.Equal(10, pool.FallbackRentedBytes);
    }

    [Fact]
    public void Rent_AboveLargestClass_IsAnExactOversizeFallbackFreedOnReturn()
    {
        using var pool = new PinnedBufferPool();
        const int Length = Largest + 1;

        var buffer = pool.Rent(Length);
        Assert.True(buffer.IsFallback);
        Assert.Equal(Length, buffer.Capacity);
        Assert.Equal(Length, buffer.Length);
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(Length, pool.FallbackRentedBytes);
        Assert.Equal(1, pool.FallbackCount);
        Assert.Equal(1, pool.OversizeCount);

        buffer.Dispose();

        Assert.Equal(IntPtr.Zero, buffer.Pointer);
        Assert.Equal(0, pool.FallbackRentedBytes);
        Assert.Equal(Length, pool.FallbackBytes);
        using var next = pool.Rent(Length);
        Assert.NotSame(buffer, next);
        Assert.Equal(2, pool.OversizeCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OutstandingCount_InEitherMode_CountsPooledAndFallbackLeases(bool debug)
    {
        using var pool = new PinnedBufferPool(debug: debug);
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
    public void Dispose_Pool_FreesIdleBuffersAndLaterReturnsFree()
    {
        var pool = new PinnedBufferPool(debug: true);
        var idle = pool.Rent(1);
        var held = pool.Rent(1);
        idle.Dispose();
        Assert.Equal(2 * Smallest, pool.AllocatedBytes);

        pool.Dispose();
        Assert.Equal(Smallest, pool.AllocatedBytes);
        Assert.Equal(0, pool.IdleBytes);

        held.Dispose();
        Assert.Equal(0, pool.AllocatedBytes);
        Assert.Equal(0, pool.RentedBytes);
        Assert.Equal(0, pool.IdleBytes);
        Assert.Equal(0, pool.OutstandingCount);

        // Disposing twice is harmless.
        pool.Dispose();
    }

    [Fact]
    public void ByteBudget_Default_Is256MiB()
    {
        using var pool = new PinnedBufferPool();
        using var small = new PinnedBufferPool(byteBudget: 1000);

        Assert.Equal(256L << 20, pool.ByteBudget);
        Assert.Equal(PinnedBufferPool.DefaultByteBudget, pool.ByteBudget);
        Assert.Equal(1000, small.ByteBudget);
        Assert.False(pool.IsDebug);
    }

    [Fact]
    public void Constructor_NegativeBudget_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PinnedBufferPool(byteBudget: -1));
    }
}
