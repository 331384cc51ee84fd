namespace InferenceServer.Cuda.Tests;

/// <summary>
/// The binding layer on a machine whatever it has: the load never throws, and says either what it
/// found or why there is no GPU. The GPU side itself is checked by tests/InferenceServer.GpuChecks on a
/// machine with one.
/// </summary>
public class CudaDriverLoadTests
{
    [Fact]
    public void Load_MissingLibrary_SaysWhichLibraryWasNotFound()
    {
        var driver = CudaDriver.Load("libcuda-does-not-exist.so.1", out var failure);

        Assert.Null(driver);
        Assert.Equal("the CUDA driver library (libcuda-does-not-exist.so.1) was not found", failure);
    }

    [Fact]
    public void Load_LibraryWithoutTheDriverApi_SaysItIsNotADriver()
    {
        var driver = CudaDriver.Load("libc.so.6", out var failure);

        Assert.Null(driver);
        Assert.Equal("libc.so.6 does not export cuInit: not a CUDA driver", failure);
    }

    [Fact]
    public void TryLoad_EitherFindsDevicesOrSaysWhyNot()
    {
        var loaded = CudaDriver.TryLoad(out var driver, out var reason);

        if (loaded)
        {
            Assert.NotNull(driver);
            Assert.NotEmpty(driver.Devices);
            Assert.Empty(reason);
        }
        else
        {
            Assert.Null(driver);
            Assert.False(string.IsNullOrWhiteSpace(reason));
        }
    }

    [Fact]
    public void TryLoad_SecondCall_GivesTheSameAnswer()
    {
        var first = CudaDriver.TryLoad(out var firstDriver, out var firstReason);
        var second = CudaDriver.TryLoad(out var secondDriver, out var secondReason);

        Assert.Equal(first, second);
        Assert.Same(firstDriver, secondDriver);
        Assert.Equal(firstReason, secondReason);
    }

    [Fact]
    public void NvmlTryLoad_EitherLoadsOrSaysWhyNot()
    {
        var loaded = NvmlLibrary.TryLoad(out var library, out var reason);

        Assert.Equal(loaded, library is not null);
        Assert.Equal(loaded, reason.Length == 0);
    }

    [Fact]
    public void DeviceInfo_ToString_NamesOrdinalModelCapabilityMemoryAndBus()
    {
        var device = new CudaDeviceInfo(1, "NVIDIA H200", "GPU-56c81742-bce5-41a8-5dfc-57e68ed946d0", "0000:00:06.0", 150_109_880_320, "9.0", 132, 3);

        Assert.Equal("1: NVIDIA H200 (cc 9.0, 139.8 GiB, 0000:00:06.0)", device.ToString());
    }

    [Fact]
    public void CudaException_NamesTheCallAndTheDriverError()
    {
        var error = new CudaException("cuMemAlloc_v2", 2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory");

        Assert.Equal("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (out of memory)", error.Message);
        Assert.Equal("cuMemAlloc_v2", error.Call);
        Assert.Equal(2, error.Result);
    }
}
