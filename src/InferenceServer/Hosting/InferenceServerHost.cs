using System.Net;
using Grpc.AspNetCore.Server.Model;
using Inference;
using InferenceServer.Core.Caching;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tracing;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime;
using InferenceServer.Protocols;
using InferenceServer.Protocols.Grpc;
using InferenceServer.Protocols.Http;
using InferenceServer.Protocols.Logging;
using InferenceServer.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InferenceServer.Hosting;

/// <summary>
/// Composition root: loads the repository, then serves HTTP/REST, gRPC and metrics on their own
/// Kestrel listeners. Used by <c>Program</c> and, in process, by the functional tests.
/// </summary>
internal sealed partial class InferenceServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions? _http;
    private readonly ListenOptions? _grpc;
    private readonly ListenOptions? _metrics;

    private InferenceServerHost(WebApplication app, ServerContext context, ListenOptions? http, ListenOptions? grpc, ListenOptions? metrics)
    {
        _app = app;
        Context = context;
        _http = http;
        _grpc = grpc;
        _metrics = metrics;
    }

    public ServerContext Context { get; }

    /// <summary>The repository poller (poll mode only).</summary>
    public RepositoryPoller? Poller { get; private init; }

    public int HttpPort => _http?.IPEndPoint?.Port ?? 0;

    public int GrpcPort => _grpc?.IPEndPoint?.Port ?? 0;

    public int MetricsPort => _metrics?.IPEndPoint?.Port ?? 0;

    /// <summary>Completes when the host stops (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Shuts down as SIGTERM does (<see cref="ShutdownDrain"/>, then Kestrel's drain); completes when stopped.</summary>
    public Task StopAsync() => _app.StopAsync();

    /// <summary>Loads the models and starts listening. Returns null (after logging why) when a model failed and --exit-on-error is set.</summary>
    /// <param name="time">The clock the schedulers' batching delays and queue timeouts run on (tests drive a fake one).</param>
    /// <param name="extensions">Request hooks and log sinks of a program that embeds the server.</param>
    public static async Task<InferenceServerHost?> StartAsync(ServerOptions options, string[]? args = null, TimeProvider? time = null, ServerExtensions? extensions = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args ?? []);
        // One filter decides every line from the settings the logging extension can change at run time.
        var logSettings = new LogSettings(options.LogInfo, options.LogWarning, options.LogError, (uint)options.LogVerbose);
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddFilter((_, category, level) => logSettings.IsEnabled(category, level));
        builder.Services.AddSingleton(logSettings);
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        });
        foreach (var provider in extensions?.LoggerProviders ?? [])
        {
            builder.Logging.AddProvider(provider);
        }

        foreach (var hook in extensions?.AnsweredRequestHooks ?? [])
        {
            builder.Services.AddSingleton(hook);
        }

        if (options.CaptureModel.Length > 0)
        {
            // Built by the container, so the container disposes it on shutdown and the capture's last requests reach the file.
            builder.Services.AddSingleton<Core.Inference.Pipeline.IAnsweredRequestHook>(sp => new Core.Capture.RequestCapture(
                new Core.Capture.RequestCaptureSettings(options.CaptureModel, options.CaptureFile)
                {
                    ByteBudget = options.CaptureBytes,
                    SampleRate = options.CaptureSampleRate,
                    DroppedInputs = options.CaptureDropInputs.ToHashSet(StringComparer.Ordinal),
                    HashedInputs = options.CaptureHashInputs.ToHashSet(StringComparer.Ordinal),
                },
                sp.GetRequiredService<ILogger<Core.Capture.RequestCapture>>()));
        }

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ExitTimeout);
        var gpus = GpuSetup.Discover(options);
        var pool = new PinnedBufferPool(options.PinnedMemoryPoolByteSize, options.PinnedMemoryPoolDebug, allocator: gpus.HostAllocator);
        builder.Services.AddSingleton(pool);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(new ModelRepository(options.ModelRepository));
        builder.Services.AddSingleton<IModelBackend>(sp => new OnnxRuntimeBackend(pool, gpus.Platform, sp.GetRequiredService<ILogger<OnnxRuntimeBackend>>()));
        var serverMetrics = new ServerMetrics(pool, gpus);
        _ = ResponseCacheConfig.TryBuild(options.CacheConfig, out var cacheConfig);
        builder.Services.AddSingleton(serverMetrics);
        builder.Services.AddSingleton<MetricsEndpoint>();
        builder.Services.AddSingleton(sp => new ModelRepositoryLoader(
            sp.GetRequiredService<ModelRepository>(), sp.GetServices<IModelBackend>(), sp.GetRequiredService<TimeProvider>(), serverMetrics, options.TelemetrySketches,
            options.ModelLoadRetryCount)
        { ResponseCacheIdentities = cacheConfig.Enabled });
        builder.Services.AddSingleton<LoadedModels>();
        if (options.ModelControlMode == ModelControlMode.Poll)
        {
            builder.Services.AddSingleton(sp => new RepositoryPoller(
                sp.GetRequiredService<LoadedModels>().Lifecycle,
                sp.GetRequiredService<LoadedModels>().Traffic,
                new RepositoryScanner(sp.GetRequiredService<ModelRepository>(), options.RepositoryPollMarker),
                options.RepositoryPollInterval,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<RepositoryPoller>>()));
        }

        builder.Services.AddSingleton(new ServerContextOptions
        {
            StrictReadiness = options.StrictReadiness,
            MaxHttpBodyBytes = options.HttpMaxInputSize,
            ModelControlMode = options.ModelControlMode,
            ControlToken = options.ControlToken,
            InferenceToken = options.InferenceToken,
            ServerName = options.ServerName,
            AllowClientSharedMemory = options.AllowClientSharedMemory,
            ServerVersion = typeof(InferenceServerHost).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
            Gpus = [.. gpus.Devices.Select(d => d.ToString())],
        });
        _ = TraceConfig.TryBuild(options.TraceConfig, out var traceSettings, out var openTelemetry);
        builder.Services.AddSingleton(sp => new RequestTracer(traceSettings, new TraceFilePolicy(options.TraceDirectory), sp.GetRequiredService<ILogger<RequestTracer>>()));
        if (cacheConfig.LocalByteSize is { } cacheBytes)
        {
            builder.Services.AddSingleton<IResponseCache>(new LocalResponseCache(cacheBytes));
        }
        else if (cacheConfig.Redis is { } redis)
        {
            builder.Services.AddSingleton<IResponseCache>(sp => new RedisResponseCache(redis, sp.GetRequiredService<ILogger<RedisResponseCache>>()));
        }

        builder.Services.AddSingleton<ServerContext>();
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<ShutdownDrain>();
        builder.Services.AddSingleton<KServeHttpHandler>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.GrpcMaxMessageSize;
            grpc.MaxSendMessageSize = options.GrpcMaxMessageSize;
            grpc.EnableDetailedErrors = false;

            // Every call is decided by the one authorization table, as on HTTP; a defect answers INTERNAL, logged once.
            grpc.Interceptors.Add<AuthorizationInterceptor>();
            grpc.Interceptors.Add<UnexpectedErrorInterceptor>();
        });
        builder.Services.AddSingleton<AuthorizationInterceptor>();
        builder.Services.AddSingleton<UnexpectedErrorInterceptor>();

        // Request bytes that are not the message answer INVALID_ARGUMENT, not UNKNOWN (StrictServiceMethodProvider);
        // it takes the place of grpc-dotnet's reflection-based binder for both services.
        builder.Services.RemoveAll(typeof(IServiceMethodProvider<>));
        builder.Services.AddSingleton<IServiceMethodProvider<GrpcInferenceServiceImpl>>(services =>
            new StrictServiceMethodProvider<GrpcInferenceServiceImpl>(GRPCInferenceService.BindService, new GrpcInferenceServiceImpl(services.GetRequiredService<ServerContext>())));
        builder.Services.AddSingleton<IServiceMethodProvider<HealthServiceImpl>>(services =>
            new StrictServiceMethodProvider<HealthServiceImpl>(global::Grpc.Health.V1.Health.BindService, new HealthServiceImpl(services.GetRequiredService<ServerContext>())));

        ListenOptions? http = null, grpcListener = null, metrics = null;
        var address = IPAddress.Parse(options.Address);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The HTTP front end enforces its own body limit with a protocol error message; gRPC has its message limit.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.HttpMaxHeaderSize;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 4 << 20;
            kestrel.Limits.Http2.InitialStreamWindowSize = 2 << 20;
            if (options.AllowHttp)
            {
                kestrel.Listen(address, options.HttpPort, l =>
                {
                    l.Protocols = HttpProtocols.Http1;
                    TlsListenerSetup.Apply(l, options.HttpTls, "http");
                    http = l;
                });
            }

            if (options.AllowGrpc)
            {
                kestrel.Listen(address, options.GrpcPort, l =>
                {
                    l.Protocols = HttpProtocols.Http2;
                    TlsListenerSetup.Apply(l, options.GrpcTls, "grpc");
                    grpcListener = l;
                });
            }

            if (options.AllowMetrics)
            {
                kestrel.Listen(address, options.MetricsPort, l => { l.Protocols = HttpProtocols.Http1; metrics = l; });
            }
        });

        var app = builder.Build();
        var spanExport = traceSettings.Mode == TraceMode.OpenTelemetry
            ? OpenTelemetryTraceExport.Start(openTelemetry, app.Services.GetRequiredService<ServerContextOptions>().ServerVersion)
            : null;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("InferenceServer");
        var models = app.Services.GetRequiredService<LoadedModels>();
        var poller = app.Services.GetService<RepositoryPoller>();
        serverMetrics.Bind(models, poller);
        LogGpus(logger, gpus, pool);
        LogLoading(logger, options.ModelRepository);

        // Models load while Kestrel starts; readiness turns true only once both are done.
        var loading = options.ModelControlMode switch
        {
            ModelControlMode.Explicit => Task.Run(() => models.Lifecycle.LoadOnly(options.LoadModels)),
            ModelControlMode.Poll => Task.Run(poller!.LoadAtStartUp),
            _ => Task.Run(models.Lifecycle.LoadAll),
        };
        var context = app.Services.GetRequiredService<ServerContext>();
        var host = new InferenceServerHost(app, context, http, grpcListener, metrics) { Poller = poller };
        var httpHandler = app.Services.GetRequiredService<KServeHttpHandler>();
        var metricsEndpoint = app.Services.GetRequiredService<MetricsEndpoint>();
        app.Use(next => ctx =>
        {
            if (context.Stopping)
            {
                ConnectionDraining.CloseAfterThisRequest(ctx);
            }

            var port = ctx.Connection.LocalPort;
            if (port == host.HttpPort)
            {
                return options.AllowMetricsOnHttpPort && MetricsEndpoint.IsMetricsPath(ctx.Request.Path)
                    ? metricsEndpoint.HandleAsync(ctx)
                    : httpHandler.HandleAsync(ctx);
            }

            if (port == host.MetricsPort)
            {
                return metricsEndpoint.HandleAsync(ctx);
            }

            return next(ctx);
        });
        // Routing only after the HTTP front end: its requests skip endpoint matching (the gRPC services need it).
        app.UseRouting();
        app.MapGrpcService<GrpcInferenceServiceImpl>();
        app.MapGrpcService<HealthServiceImpl>();
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            context.Stopping = true;
            poller?.DisposeAsync().AsTask().Wait();
        });
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            // Traces kept for the file at shutdown (log frequency 0) are written once the last answered request's are in.
            context.Pipeline.AfterStepsSettledAsync().Wait(options.ExitTimeout, CancellationToken.None);
            context.Tracing.Flush();
            OpenTelemetryTraceExport.Stop(spanExport, options.ExitTimeout);
            context.SharedMemory.Dispose();
            models.Dispose();
            gpus.Dispose();
        });

        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            LogCannotListen(logger, ex.Message);
            await loading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            models.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        try
        {
            await loading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogRepositoryUnreadable(logger, ex.Message);
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        if (options.ExitOnError && !models.Catalog.Table.AllReady)
        {
            LogExitOnError(logger);
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        context.Started = true;
        poller?.Start();
        LogListening(logger, host.HttpPort, host.GrpcPort, host.MetricsPort);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Once at start-up: the GPUs found (or why none), and what the pinned pool and KIND_GPU models get from that.</summary>
    private static void LogGpus(ILogger logger, GpuSetup gpus, PinnedBufferPool pool)
    {
        if (gpus.Driver is null)
        {
            LogNoGpu(logger, gpus.Reason);
            return;
        }

        foreach (var device in gpus.Devices)
        {
            LogGpu(logger, device, gpus.Driver.VersionText);
        }

        if (gpus.ProviderLibraries is { MissingReason.Length: 0 } libraries)
        {
            LogCudaLibraries(logger, libraries.Loaded);
            foreach (var note in libraries.Notes)
            {
                LogCudaLibraryNote(logger, note);
            }
        }

        var kindGpu = gpus.Platform.UnavailableReason.Length == 0 ? "KIND_GPU instances run on them" : $"KIND_GPU instances cannot run: {gpus.Platform.UnavailableReason}";
        LogGpuUse(logger, pool.Allocator.Description, kindGpu);
    }

    [LoggerMessage(EventId = EventIds.CudaLibraries, Level = LogLevel.Information, Message = "ONNX Runtime's CUDA provider loaded with {Libraries}")]
    private static partial void LogCudaLibraries(ILogger logger, IReadOnlyList<string> libraries);

    [LoggerMessage(EventId = EventIds.CudaLibraryNote, Level = LogLevel.Warning, Message = "{Note}")]
    private static partial void LogCudaLibraryNote(ILogger logger, string note);

    [LoggerMessage(EventId = EventIds.NoGpu, Level = LogLevel.Information, Message = "No GPU: {Reason}; running on the CPU")]
    private static partial void LogNoGpu(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.Gpu, Level = LogLevel.Information, Message = "GPU {Device}, CUDA driver {DriverVersion}")]
    private static partial void LogGpu(ILogger logger, CudaDeviceInfo device, string driverVersion);

    [LoggerMessage(EventId = EventIds.GpuUse, Level = LogLevel.Information, Message = "Pinned tensor pool: {Memory}; {KindGpu}")]
    private static partial void LogGpuUse(ILogger logger, string memory, string kindGpu);

    [LoggerMessage(EventId = EventIds.Loading, Level = LogLevel.Information, Message = "Loading model repository {Path}")]
    private static partial void LogLoading(ILogger logger, string path);

    [LoggerMessage(EventId = EventIds.ExitOnError, Level = LogLevel.Critical, Message = "Some models failed to load and --exit-on-error is true; exiting (start with --exit-on-error=false to serve the others)")]
    private static partial void LogExitOnError(ILogger logger);

    [LoggerMessage(EventId = EventIds.RepositoryUnreadable, Level = LogLevel.Critical, Message = "Cannot read the model repository: {Reason}")]
    private static partial void LogRepositoryUnreadable(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.CannotListen, Level = LogLevel.Critical, Message = "Cannot listen: {Reason}")]
    private static partial void LogCannotListen(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.Listening, Level = LogLevel.Information, Message = "Serving HTTP on port {HttpPort}, gRPC on port {GrpcPort}, metrics on port {MetricsPort}")]
    private static partial void LogListening(ILogger logger, int httpPort, int grpcPort, int metricsPort);
}
