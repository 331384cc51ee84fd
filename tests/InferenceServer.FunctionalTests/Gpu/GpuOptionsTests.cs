using InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Gpu;

/// <summary>The GPU flags as tritonserver spells them: <c>--cuda-memory-pool-byte-size=&lt;gpu&gt;:&lt;bytes&gt;</c> (repeatable) and <c>--gpus</c>.</summary>
public sealed class GpuOptionsTests
{
    private static ServerOptions? Read(out string? error, params string[] args) =>
        ServerOptionsReader.Read(["--model-repository=/models", .. args], new ConfigurationBuilder().Build(), out error);

    [Fact]
    public void CudaMemoryPool_RepeatedPerGpu_KeepsEachGpusBudget()
    {
        var options = Read(out var error, "--cuda-memory-pool-byte-size=0:1048576", "--cuda-memory-pool-byte-size", "1:0");

        Assert.Null(error);
        Assert.Equal(new Dictionary<int, long> { [0] = 1 << 20, [1] = 0 }, options!.CudaMemoryPoolByteSize);
    }

    [Fact]
    public void CudaMemoryPool_NotGiven_Empty()
    {
        var options = Read(out _);

        Assert.Empty(options!.CudaMemoryPoolByteSize);
        Assert.True(options.UseGpus);
    }

    [Theory]
    [InlineData("67108864")]
    [InlineData("0:")]
    [InlineData(":1024")]
    [InlineData("gpu0:1024")]
    [InlineData("0:-5")]
    public void CudaMemoryPool_NotGpuColonBytes_ErrorShowsTheForm(string value)
    {
        var options = Read(out var error, $"--cuda-memory-pool-byte-size={value}");

        Assert.Null(options);
        Assert.Equal($"--cuda-memory-pool-byte-size must be <gpu>:<bytes> (e.g. 0:67108864), got '{value}'", error);
    }

    [Fact]
    public void Gpus_False_TurnsThemOff()
    {
        var options = Read(out _, "--gpus=false");

        Assert.False(options!.UseGpus);
    }
}
