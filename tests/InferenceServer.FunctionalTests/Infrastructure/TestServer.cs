using System.Net;
using System.Net.Http.Headers;
using Grpc.Net.Client;
using InferenceServer.Hosting;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// The real server, in process, on Kestrel at 127.0.0.1 with free ports, over a repository written to a
/// fresh temporary folder; plus an HTTP client and a gRPC channel pointed at it. Disposing stops the
/// server and deletes the folder. Control calls are off without a token, so every test server has one
/// (<see cref="ControlToken"/>) and its clients send it; <see cref="CreateHttpClient"/> makes others.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly InferenceServerHost _host;
    private readonly string _repository;
    private readonly ErrorLogRecorder _errors;

    /// <summary>The control token test servers start with unless a test sets another (or none).</summary>
    public const string ControlToken = "functional-tests-control-token";

    private TestServer(InferenceServerHost host, string repository, string? controlToken, ErrorLogRecorder errors)
    {
        _host = host;
        _repository = repository;
        _errors = errors;
        HttpPort = host.HttpPort;
        GrpcPort = host.GrpcPort;
        Http = CreateHttpClient(controlToken);
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", new GrpcChannelOptions
        {
            MaxReceiveMessageSize = int.MaxValue,
            MaxSendMessageSize = int.MaxValue,
        });
        Grpc = new InferenceGrpcClient(Channel, controlToken);
    }

    public int HttpPort { get; }

    public int GrpcPort { get; }

    /// <summary>The port serving Prometheus text at <c>/metrics</c>.</summary>
    internal int MetricsPort => _host.MetricsPort;

    public HttpClient Http { get; }

    public GrpcChannel Channel { get; }

    public InferenceGrpcClient Grpc { get; }

    /// <summary>An HTTP client for this server that sends <paramref name="bearerToken"/> on every request (none when null).</summary>
    public HttpClient CreateHttpClient(string? bearerToken)
    {
        var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}/"),
            Timeout = TestTimeouts.Request,
        };
        if (bearerToken is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return client;
    }

    /// <summary>Shuts the server down as SIGTERM does; completes once it has stopped (disposing is still needed).</summary>
    internal Task ShutDownAsync() => _host.StopAsync();

    /// <summary>The folder the server's repository was written to.</summary>
    internal string RepositoryPath => _repository;

    internal Core.Models.ModelCatalog Models => _host.Context.Models;

    /// <summary>The shared-memory regions clients registered.</summary>
    internal Core.SharedMemory.SharedMemoryRegistry SharedMemory => _host.Context.SharedMemory;

    internal Core.Models.Lifecycle.ModelLifecycle Lifecycle => _host.Context.Lifecycle;

    /// <summary>The repository poller (servers started in poll mode).</summary>
    internal Core.Models.Repository.RepositoryPoller Poller => _host.Poller ?? throw new InvalidOperationException("the server is not in poll mode");

    /// <summary>The version the server serves for <paramref name="name"/> (to observe its queue).</summary>
    internal Core.Models.ModelVersion Model(string name) =>
        _host.Context.Models.TryResolve(name, "", out var version) is { IsError: true } error
            ? throw new InvalidOperationException(error.Message)
            : version!;

    /// <summary>Waits until <paramref name="count"/> requests are queued for <paramref name="name"/> (the scheduler's signal).</summary>
    internal Task WaitForQueuedAsync(string name, int count) => Model(name).QueuedAsync(count).WaitAsync(TestTimeouts.Request);

    /// <summary>Whether the server takes requests; its signals say when shutdown's phases begin.</summary>
    internal Core.Inference.Pipeline.ServerAdmission Admission => _host.Context.Admission;

    /// <summary>
    /// Writes a repository with <paramref name="writeRepository"/> and starts a server over it. The options
    /// start from what every test wants (loopback, free ports, keep serving when a model fails);
    /// <paramref name="configure"/> changes the rest.
    /// </summary>
    /// <param name="hooks">Steps the pipeline runs after every answered request.</param>
    internal static async Task<TestServer> StartAsync(Action<string> writeRepository, Action<ServerOptions>? configure = null, TimeProvider? time = null,
        IReadOnlyList<Core.Inference.Pipeline.IAnsweredRequestHook>? hooks = null)
    {
        var repository = Path.Combine(Path.GetTempPath(), "inference-server-functional-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(repository);
        try
        {
            writeRepository(repository);
            var options = new ServerOptions
            {
                ModelRepository = repository,
                Address = "127.0.0.1",
                HttpPort = 0,
                GrpcPort = 0,
                MetricsPort = 0,
                ExitOnError = false,
                ControlToken = ControlToken,

                // Information logs (a line per loaded model) are noise in test output; warnings and errors still show.
                LogInfo = false,

                // Disposing stops at once; ShutdownDrainTests sets a grace period to test it.
                ShutdownGrace = TimeSpan.Zero,
            };
            configure?.Invoke(options);

            var errors = new ErrorLogRecorder();
            var extensions = new ServerExtensions { AnsweredRequestHooks = hooks ?? [], LoggerProviders = [errors] };
            var host = await InferenceServerHost.StartAsync(options, [], time, extensions).WaitAsync(TestTimeouts.Server)
                ?? throw new InvalidOperationException("the server did not start (a model failed and ExitOnError is set)");
            return new TestServer(host, repository, options.ControlToken, errors);
        }
        catch
        {
            DeleteRepository(repository);
            throw;
        }
    }

    /// <summary>Declares error-level log lines this test provokes on purpose (matched on category, message and exception text).</summary>
    internal void ExpectErrorLogs(Func<string, bool> match) => _errors.Expect(match);

    /// <summary>Declares that loading (or re-reading the traffic file of) each of <paramref name="models"/> fails on purpose in this test.</summary>
    internal void ExpectLoadFailures(params string[] models) => ExpectErrorLogs(line =>
        models.Any(model => line.Contains($"Model '{model}'", StringComparison.Ordinal))
        && (line.Contains(" failed to load: ", StringComparison.Ordinal) || line.Contains(" rejected, the previous policy stays", StringComparison.Ordinal)));

    /// <summary>Answered requests whose after-steps are still running.</summary>
    internal int AfterStepsPending => _host.Context.Pipeline.AfterStepsPending;

    /// <summary>Completes once every answered request's after-steps (profile, traffic outcome, shadow offer) have run.</summary>
    internal Task AfterStepsSettledAsync() => _host.Context.Pipeline.AfterStepsSettledAsync().WaitAsync(TestTimeouts.Request);

    /// <summary>
    /// Stops the server; then fails the test if the server logged an error it did not declare with
    /// <see cref="ExpectErrorLogs"/> (grpc-dotnet's VerifyNoErrorsScope).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        await _host.DisposeAsync().AsTask().WaitAsync(TestTimeouts.Server);
        DeleteRepository(_repository);
        var unexpected = _errors.Unexpected;
        if (unexpected.Count > 0)
        {
            throw new Xunit.Sdk.XunitException($"the server logged {unexpected.Count} unexpected error(s):\n{string.Join("\n", unexpected.Take(5))}");
        }
    }

    private static void DeleteRepository(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is not worth failing a test run over.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
