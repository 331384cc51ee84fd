using CsCheck;
using InferenceServer.Core.Inference;
using InferenceServer.Core.SharedMemory;

namespace InferenceServer.Core.Tests.SharedMemory;

/// <summary>
/// The registry over real POSIX shared-memory objects. Invariants: a hold succeeds exactly when the tensor's range lies
/// inside the region, and then reads exactly the object's bytes at region offset + tensor offset; the registration and
/// every lease each hold the region once; unregistering while leases are out keeps it mapped until the last is disposed;
/// N threads taking and releasing holds while the region is unregistered never leave a hold behind or unmap it early.
/// </summary>
public sealed class SharedMemoryRegistryTests : IDisposable
{
    private const int ObjectBytes = 256;
    private const long RegionOffset = 32;
    private const long RegionBytes = 160;

    private readonly string _name = $"inference-server-core-test-{Guid.NewGuid():N}";
    private readonly byte[] _contents = Enumerable.Range(0, ObjectBytes).Select(i => (byte)i).ToArray();
    private readonly SharedMemoryRegistry _registry = new(allowClientRegistration: true, hasGpu: false);

    public SharedMemoryRegistryTests() => File.WriteAllBytes("/dev/shm/" + _name, _contents);

    private string Key => "/" + _name;

    public void Dispose()
    {
        _registry.Dispose();
        File.Delete("/dev/shm/" + _name);
    }

    [Fact]
    public void Hold_AnyRange_SucceedsExactlyInsideTheRegionAndReadsTheObjectsBytes()
    {
        Assert.False(_registry.RegisterSystem("r", Key, RegionOffset, RegionBytes).IsError);
        var region = _registry.Find("r")!;
        Gen.Select(Gen.Long[-4, RegionBytes + 4], Gen.Long[-4, RegionBytes + 4]).Sample(t =>
        {
            var (offset, length) = t;
            var error = _registry.Hold(new SharedMemoryReference("r", offset, length), "input 'x'", out var lease);
            if (!SharedMemoryBounds.Fits(RegionBytes, offset, length))
            {
                Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
                Assert.Null(lease);
                return;
            }

            Assert.False(error.IsError, error.Message);
            using (lease)
            {
                Assert.Equal(_contents.AsSpan((int)(RegionOffset + offset), (int)length), lease!.GetSpan());
            }
        }, iter: 5_000, threads: 1);
        Assert.Equal(1, region.Holders);
    }

    [Fact]
    public void Unregister_WhileLeased_StaysMappedUntilTheLastLeaseIsDisposed()
    {
        Assert.False(_registry.RegisterSystem("r", Key, 0, ObjectBytes).IsError);
        var region = _registry.Find("r")!;
        Assert.False(_registry.Hold(new SharedMemoryReference("r", 0, 16), "input 'a'", out var first).IsError);
        Assert.False(_registry.Hold(new SharedMemoryReference("r", 16, 16), "input 'b'", out var second).IsError);
        Assert.Equal(3, region.Holders);

        Assert.False(_registry.Unregister("r", SharedMemoryKind.System).IsError);
        Assert.Equal(InferenceErrorCode.NotFound, _registry.Hold(new SharedMemoryReference("r", 0, 1), "input 'c'", out _).Code);
        Assert.True(region.IsMapped);
        first!.Dispose();
        first.Dispose();
        Assert.True(region.IsMapped);
        Assert.Equal(_contents[16..32], second!.GetSpan().ToArray());
        second.Dispose();

        Assert.False(region.IsMapped);
        Assert.Equal(0, region.Holders);
        Assert.True(second.GetSpan().IsEmpty);
    }

    [Fact]
    public async Task Hold_ConcurrentWithUnregister_EveryHoldReleasedAndUnmappedOnce()
    {
        const int Workers = 8;
        const int Cycles = 2_000;
        for (var round = 0; round < 5; round++)
        {
            Assert.False(_registry.RegisterSystem("r", Key, 0, ObjectBytes).IsError);
            var region = _registry.Find("r")!;
            var held = 0;
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                await start.Task;
                for (var i = 0; i < Cycles; i++)
                {
                    if (!_registry.Hold(new SharedMemoryReference("r", 0, 8), "input 'x'", out var lease).IsError)
                    {
                        Interlocked.Increment(ref held);

                        // A held lease always reads the mapping: unregistering cannot unmap it under us.
                        Assert.Equal(_contents[..8], lease!.GetSpan().ToArray());
                        lease.Dispose();
                    }
                }
            })).ToArray();
            start.SetResult();
            Assert.False(_registry.Unregister("r", SharedMemoryKind.System).IsError);
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, region.Holders);
            Assert.False(region.IsMapped);
        }
    }

    [Fact]
    public void Hold_ObjectShrunkAfterRegistration_RefusedInsteadOfFaulting()
    {
        Assert.False(_registry.RegisterSystem("r", Key, RegionOffset, RegionBytes).IsError);
        using (var file = new FileStream("/dev/shm/" + _name, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(RegionOffset);
        }

        var error = _registry.Hold(new SharedMemoryReference("r", 0, 8), "input 'x'", out var lease);

        Assert.Equal(InferenceErrorCode.InvalidArgument, error.Code);
        Assert.Contains("smaller than the region", error.Message, StringComparison.Ordinal);
        Assert.Null(lease);
        Assert.Equal(1, _registry.Find("r")!.Holders);
    }

    [Fact]
    public void Register_Off_RefusedWithHowToEnable()
    {
        using var off = new SharedMemoryRegistry(allowClientRegistration: false, hasGpu: false);

        var error = off.RegisterSystem("r", Key, 0, 16);

        Assert.Equal(InferenceErrorCode.PermissionDenied, error.Code);
        Assert.Contains("--allow-client-shm=true", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, off.Count);
    }

    [Fact]
    public void Dispose_UnmapsEveryRegion()
    {
        var registry = new SharedMemoryRegistry(allowClientRegistration: true, hasGpu: false);
        Assert.False(registry.RegisterSystem("a", Key, 0, 16).IsError);
        Assert.False(registry.RegisterSystem("b", Key, 16, 16).IsError);
        var (a, b) = (registry.Find("a")!, registry.Find("b")!);

        registry.Dispose();

        Assert.False(a.IsMapped);
        Assert.False(b.IsMapped);
        Assert.NotEqual(InferenceErrorCode.None, registry.RegisterSystem("c", Key, 0, 16).Code);
    }
}
