using InferenceServer.FunctionalTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Sequences;

/// <summary>The server over <see cref="SequenceRepositories"/> on a fake clock: no sequence idles out unless a test moves time.</summary>
public sealed class SequenceServerFixture : TestServerFixture
{
    public FakeTimeProvider Time { get; } = new();

    private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(SequenceRepositories.Write, time: Time);
}
