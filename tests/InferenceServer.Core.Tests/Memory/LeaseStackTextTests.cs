using System.Diagnostics;
using System.Runtime.CompilerServices;
using InferenceServer.Core.Memory;

namespace InferenceServer.Core.Tests.Memory;

public class LeaseStackTextTests
{
    private const string ThisType = "InferenceServer.Core.Tests.Memory.LeaseStackTextTests";

    [Fact]
    public void Format_OwnTypeFramesOnTop_LeavesThemOutSoTheCallerComesFirst()
    {
        // Stack frames name nested types with a dot: "...LeaseStackTextTests.Nested.Capture()".
        var stack = CaptureInNestedType();

        var nestedLeftOut = LeaseStackText.Format(stack, ThisType + ".Nested");
        var bothLeftOut = LeaseStackText.Format(stack, ThisType + ".Nested", ThisType);

        Assert.Contains(nameof(CaptureInNestedType), nestedLeftOut.Split(Environment.NewLine)[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Nested.Capture", nestedLeftOut, StringComparison.Ordinal);
        Assert.DoesNotContain(ThisType + ".", bothLeftOut, StringComparison.Ordinal);
        Assert.NotEmpty(bothLeftOut);
    }

    [Fact]
    public void Format_TypeNameThatOnlyPrefixesTheFramesType_KeepsTheFrames()
    {
        var stack = CaptureInNestedType();

        var text = LeaseStackText.Format(stack, "InferenceServer.Core.Tests.Memory.LeaseStackText");

        Assert.Contains("Nested.Capture", text.Split(Environment.NewLine)[0], StringComparison.Ordinal);
        Assert.Contains(nameof(Format_TypeNameThatOnlyPrefixesTheFramesType_KeepsTheFrames), text, StringComparison.Ordinal);
    }

    [Fact]
    public void DoubleReturn_FirstReturnNotRecordedYet_SaysSoAndShowsTheRentStack()
    {
        var message = LeaseStackText.DoubleReturn("Lease X", firstReturn: null, CaptureInNestedType(), ThisType + ".Nested");

        Assert.StartsWith("Lease X returned twice.", message, StringComparison.Ordinal);
        Assert.Contains("not recorded yet", message, StringComparison.Ordinal);
        Assert.Contains(nameof(DoubleReturn_FirstReturnNotRecordedYet_SaysSoAndShowsTheRentStack), message, StringComparison.Ordinal);
        Assert.Equal("(no stack recorded)", LeaseStackText.Format(null));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static StackTrace CaptureInNestedType() => Nested.Capture();

    private static class Nested
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static StackTrace Capture() => new(fNeedFileInfo: true);
    }
}
