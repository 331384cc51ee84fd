namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>Starts one <see cref="TestServer"/> for the tests that share it and stops it after the last one.</summary>
public abstract class TestServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("the server has not started");

    public async Task InitializeAsync() => _server = await StartAsync().WaitAsync(TestTimeouts.Server);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Server);
        }
    }

    private protected abstract Task<TestServer> StartAsync();
}

/// <summary>
/// The one server most tests share (<see cref="TestRepositories.WriteMain"/>, default flags apart from
/// free ports and ExitOnError=false). Starting it loads a few dozen model versions, so it starts once per run.
/// </summary>
public sealed class ServerFixture : TestServerFixture
{
    private protected override Task<TestServer> StartAsync() => TestServer.StartAsync(TestRepositories.WriteMain);
}

/// <summary>Test classes in this collection share <see cref="ServerFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "Shared server";
}
