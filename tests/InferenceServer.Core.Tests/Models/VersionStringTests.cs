using InferenceServer.Core.Models;

namespace InferenceServer.Core.Tests.Models;

public class VersionStringTests
{
    [Fact]
    public void TryParse_Empty_MeansLatest()
    {
        Assert.True(VersionString.TryParse("", out var version));
        Assert.Equal(-1, version);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("42", 42)]
    [InlineData("007", 7)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TryParse_DecimalDigits_ParsesValue(string text, long expected)
    {
        Assert.True(VersionString.TryParse(text, out var version));
        Assert.Equal(expected, version);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("latest")]
    [InlineData("\u0661")]
    [InlineData("\uFF11")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999")]
    [InlineData("00000000000000000001")]
    public void TryParse_NotANonNegativeInteger_Fails(string text)
    {
        Assert.False(VersionString.TryParse(text, out _));
    }
}
