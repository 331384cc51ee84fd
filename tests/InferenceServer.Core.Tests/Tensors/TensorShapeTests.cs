using InferenceServer.Core.Tensors;

namespace InferenceServer.Core.Tests.Tensors;

public class TensorShapeTests
{
    [Fact]
    public void TryCreate_UpToMaxRank_KeepsDimensionsInOrder()
    {
        long[] dims = [1, 2, 3, 4, 5, 6, 7, 8];

        Assert.True(TensorShape.TryCreate(dims, out var shape));

        Assert.Equal(TensorShape.MaxRank, shape.Rank);
        Assert.Equal(dims, shape.Dimensions.ToArray());
        Assert.Equal(dims, shape.ToArray());
        Assert.Equal(3, shape[2]);
    }

    [Fact]
    public void TryCreate_AboveMaxRank_Fails()
    {
        Assert.Equal(8, TensorShape.MaxRank);

        Assert.False(TensorShape.TryCreate(new long[TensorShape.MaxRank + 1], out var shape));
        Assert.Equal(0, shape.Rank);
    }

    [Fact]
    public void Create_AboveMaxRank_ThrowsNamingTheLimit()
    {
        var ex = Assert.Throws<ArgumentException>(() => TensorShape.Create(new long[9]));

        Assert.Contains("9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryAppend_UntilMaxRank_ThenFails()
    {
        var shape = default(TensorShape);
        for (var i = 0; i < TensorShape.MaxRank; i++)
        {
            Assert.True(shape.TryAppend(i + 1));
        }

        Assert.False(shape.TryAppend(99));
        Assert.Equal(TensorShape.MaxRank, shape.Rank);
        Assert.Equal(8, shape[7]);
    }

    [Fact]
    public void Default_NoDimensions_IsScalarWithOneElement()
    {
        var shape = default(TensorShape);

        Assert.Equal(0, shape.Rank);
        Assert.True(shape.TryGetElementCount(out var count));
        Assert.Equal(1, count);
        Assert.Equal("[]", shape.ToString());
    }

    [Theory]
    [InlineData(new long[] { 16 }, 16)]
    [InlineData(new long[] { 4, 16 }, 64)]
    [InlineData(new long[] { 2, 3, 4, 5 }, 120)]
    [InlineData(new long[] { 8, 0, 16 }, 0)]
    [InlineData(new long[] { 1L << 31, 1L << 31 }, 1L << 62)]
    [InlineData(new long[] { long.MaxValue }, long.MaxValue)]
    public void TryGetElementCount_ValidShape_ReturnsProduct(long[] dims, long expected)
    {
        var shape = TensorShape.Create(dims);

        Assert.True(shape.TryGetElementCount(out var count));
        Assert.Equal(expected, count);
        Assert.Equal(expected, shape.ElementCount);
    }

    [Theory]
    [InlineData(new long[] { long.MaxValue, 2 })]
    [InlineData(new long[] { 1L << 32, 1L << 32 })]
    [InlineData(new long[] { 1L << 21, 1L << 21, 1L << 21 })]
    [InlineData(new long[] { 3, 1L << 62 })]
    public void TryGetElementCount_ProductOverflows_FailsWithoutThrowing(long[] dims)
    {
        var shape = TensorShape.Create(dims);

        Assert.False(shape.TryGetElementCount(out _));
        Assert.Throws<InvalidOperationException>(() => shape.ElementCount);
    }

    [Theory]
    [InlineData(new long[] { -1 })]
    [InlineData(new long[] { 4, -1, 16 })]
    public void TryGetElementCount_NegativeDimension_Fails(long[] dims)
    {
        Assert.False(TensorShape.Create(dims).TryGetElementCount(out _));
    }

    [Fact]
    public void WithFirstDimension_NewBatch_ReplacesItOnlyInTheCopy()
    {
        var shape = TensorShape.Create([1, 16]);

        var batched = shape.WithFirstDimension(4);

        Assert.Equal([4L, 16L], batched.ToArray());
        Assert.Equal([1L, 16L], shape.ToArray());
    }

    [Fact]
    public void Equals_SameDimensions_EqualWithSameHash()
    {
        var a = TensorShape.Create([2, 3]);
        var b = default(TensorShape);
        b.TryAppend(2);
        b.TryAppend(3);

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Theory]
    [InlineData(new long[] { 2, 3 }, new long[] { 3, 2 })]
    [InlineData(new long[] { 2, 3 }, new long[] { 2, 3, 1 })]
    [InlineData(new long[] { 6 }, new long[] { 2, 3 })]
    public void Equals_DifferentDimensions_NotEqual(long[] left, long[] right)
    {
        Assert.True(TensorShape.Create(left) != TensorShape.Create(right));
        Assert.False(TensorShape.Create(left).Equals((object)right));
    }

    [Fact]
    public void ToString_AnyShape_FormatsLikeErrorMessages()
    {
        Assert.Equal("[1,16]", TensorShape.Create([1, 16]).ToString());
        Assert.Equal("[-1,3]", TensorShape.Format([-1, 3]));
        Assert.Equal("[]", TensorShape.Format([]));
    }
}
