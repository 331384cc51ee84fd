using System.Numerics;
using CsCheck;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Core.Tests.SharedMemory;

/// <summary>
/// The bounds arithmetic every shared-memory tensor goes through. Invariant: <c>Fits(size, offset, length)</c> holds
/// exactly when <c>0 ≤ offset</c>, <c>0 ≤ length</c> and <c>offset + length ≤ size</c> in unbounded integers, so no
/// wrap-around of 64-bit arithmetic ever admits a range (values are drawn around 0 and the 64-bit limits).
/// </summary>
public sealed class SharedMemoryBoundsPropertyTests
{
    private static readonly Gen<long> Value = Gen.OneOf(
        Gen.Long,
        Gen.Long[-3, 130],
        Gen.Long[long.MaxValue - 130, long.MaxValue],
        Gen.Long[long.MinValue, long.MinValue + 3],
        Gen.Long[(long.MaxValue / 2) - 3, (long.MaxValue / 2) + 3]);

    [Fact]
    public void Fits_AgreesWithUnboundedArithmetic()
    {
        Gen.Select(Value, Value, Value).Sample(t =>
        {
            var (size, offset, length) = t;
            var expected = size >= 0 && offset >= 0 && length >= 0 && (BigInteger)offset + length <= size;
            Assert.Equal(expected, SharedMemoryBounds.Fits(size, offset, length));
        }, iter: 200_000);
    }

    [Fact]
    public void Fits_EveryRangeOfASmallRegion_ExactlyThoseInside()
    {
        for (long size = 0; size <= 8; size++)
        {
            for (long offset = -1; offset <= 10; offset++)
            {
                for (long length = -1; length <= 10; length++)
                {
                    Assert.Equal(offset >= 0 && length >= 0 && offset + length <= size, SharedMemoryBounds.Fits(size, offset, length));
                }
            }
        }
    }

    [Theory]
    [InlineData(64, long.MaxValue, 1)]
    [InlineData(64, 1, long.MaxValue)]
    [InlineData(long.MaxValue, long.MaxValue, 1)]
    [InlineData(long.MaxValue, 1, long.MaxValue)]
    [InlineData(long.MaxValue, long.MaxValue / 2 + 1, long.MaxValue / 2 + 1)]
    public void Fits_SumThatWouldWrap_Refused(long size, long offset, long length) =>
        Assert.False(SharedMemoryBounds.Fits(size, offset, length));
}
