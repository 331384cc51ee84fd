using System.Buffers;
using System.Runtime.InteropServices;
using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

public class PinnedBufferTests
{
    [Fact]
    public void Span_Written_IsVisibleThroughMemoryAndPointer()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(8);

        buffer.Span.Fill(0xAB);
        buffer.Span[7] = 0x01;

        Assert.Equal(0xAB, buffer.Memory.Span[0]);
        Assert.Equal(0x01, buffer.Memory.Span[7]);
        Assert.Equal(0x01, Marshal.ReadByte(buffer.Pointer, 7));
        Assert.Equal(8, buffer.GetSpan().Length);
    }

    [Fact]
    public void Truncate_ShorterLength_ShrinksSpanAndMemory()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(100);

        buffer.Truncate(40);

        Assert.Equal(40, buffer.Length);
        Assert.Equal(40, buffer.Span.Length);
        Assert.Equal(40, buffer.Memory.Length);
        Assert.Equal(4096, buffer.Capacity);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public void Truncate_OutsideLength_Throws(int length)
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(100);

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Truncate(length));
        Assert.Equal(100, buffer.Length);
    }

    [Fact]
    public void Dispose_ThroughIDisposableInDebug_ReturnsOnceThenThrows()
    {
        using var pool = new PinnedBufferPool(debug: true);
        var buffer = pool.Rent(10);
        IDisposable disposable = buffer;

        disposable.Dispose();

        Assert.Equal(0, pool.OutstandingCount);
        Assert.False(buffer.IsRented);
        Assert.Throws<InvalidOperationException>(disposable.Dispose);
        Assert.Equal(1, pool.DoubleReturnCount);
    }

    [Fact]
    public void Dispose_ThroughMemoryManagerNotDebug_ReturnsOnceThenCounts()
    {
        using var pool = new PinnedBufferPool();
        var buffer = pool.Rent(10);
        IDisposable asManager = (MemoryManager<byte>)buffer;

        asManager.Dispose();
        asManager.Dispose();

        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(1, pool.DoubleReturnCount);
        Assert.Equal(4096, pool.IdleBytes);
    }

    [Fact]
    public void IsRented_FromRentUntilDispose_IsTrue()
    {
        using var pool = new PinnedBufferPool();
        var buffer = pool.Rent(10);

        Assert.True(buffer.IsRented);
        buffer.Dispose();
        Assert.False(buffer.IsRented);
        Assert.Equal(0, buffer.Span.Length);
    }

    [Fact]
    public void Pin_OutsideCapacity_Throws()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(100);

        buffer.Memory[40..].Pin().Dispose();

        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Pin(buffer.Capacity + 1));
    }

    [Fact]
    public void MemoryManager_Memory_IsBackedByTheBuffer()
    {
        using var pool = new PinnedBufferPool();
        using var buffer = pool.Rent(16);

        Assert.True(MemoryMarshal.TryGetMemoryManager<byte, PinnedBuffer>(buffer.Memory, out var manager));
        Assert.Same(buffer, manager);
        MemoryManager<byte> asManager = buffer;
        Assert.Equal(16, asManager.Memory.Length);
    }
}
