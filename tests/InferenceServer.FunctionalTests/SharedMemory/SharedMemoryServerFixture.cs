using InferenceServer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.SharedMemory;

/// <summary>A server started with <c>--allow-client-shm</c> over <see cref="SharedMemoryRepositories"/>, on a fake clock.</summary>
public sealed class SharedMemoryServerFixture : TestServerFixture
{
    public FakeTimeProvider Time { get; } = new();

    private protected override Task<TestServer> StartAsync() =>
        TestServer.StartAsync(SharedMemoryRepositories.Write, options => options.AllowClientSharedMemory = true, Time);
}
