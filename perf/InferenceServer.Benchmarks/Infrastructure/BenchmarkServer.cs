using InferenceServer.Core.Caching;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Lifecycle;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tracing;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.OnnxRuntime;
using InferenceServer.Protocols;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// The server's state without Kestrel: a model repository written to a temp folder with
/// <see cref="SampleRepositoryWriter"/>, loaded the way the host loads one (<see cref="ModelRepositoryLoader"/>
/// with the ONNX Runtime backend into <see cref="LoadedModels"/>), behind the <see cref="ServerContext"/>
/// both front ends share: the pinned buffer pool, the request pool and the default options.
/// </summary>
internal sealed class BenchmarkServer : IDisposable
{
    public BenchmarkServer(params IReadOnlyList<SampleModel> models)
        : this(versions: 1, models, tracing: null, responseCache: null)
    {
    }

    /// <param name="responseCache">The response cache for models whose config enables it.</param>
    /// <param name="models">The models to write and load.</param>
    public BenchmarkServer(IResponseCache responseCache, params IReadOnlyList<SampleModel> models)
        : this(versions: 1, models, tracing: null, responseCache)
    {
    }

    /// <param name="versions">Version folders 1..N per model, each holding the same ONNX file (the config decides which load).</param>
    /// <param name="models">The models to write and load.</param>
    public BenchmarkServer(int versions, params IReadOnlyList<SampleModel> models)
        : this(versions, models, tracing: null, responseCache: null)
    {
    }

    /// <param name="versions">Version folders 1..N per model, each holding the same ONNX file (the config decides which load).</param>
    /// <param name="tracing">The request tracer the pipeline uses (null: tracing off).</param>
    /// <param name="models">The models to write and load.</param>
    public BenchmarkServer(int versions, RequestTracer? tracing, params IReadOnlyList<SampleModel> models)
        : this(versions, models, tracing, responseCache: null)
    {
    }

    /// <param name="sketches">Whether versions keep latency sketches and input/output profiles (<c>--telemetry-sketches</c>).</param>
    /// <param name="hooks">Steps the pipeline runs after each answer (each queues the request's after-steps).</param>
    /// <param name="models">The models to write and load.</param>
    public BenchmarkServer(bool sketches, IReadOnlyList<IAnsweredRequestHook> hooks, params IReadOnlyList<SampleModel> models)
        : this(versions: 1, models, tracing: null, responseCache: null, sketches, hooks)
    {
    }

    private BenchmarkServer(int versions, IReadOnlyList<SampleModel> models, RequestTracer? tracing, IResponseCache? responseCache, bool sketches = false,
        IReadOnlyList<IAnsweredRequestHook>? hooks = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "is-bench-" + Guid.NewGuid().ToString("N"));
        foreach (var model in models)
        {
            for (var version = 1; version <= versions; version++)
            {
                SampleRepositoryWriter.WriteModel(Root, model.Name, model.Onnx, version == 1 ? model.Config : null, version);
            }
        }

        Buffers = new PinnedBufferPool();
        var loader = new ModelRepositoryLoader(new ModelRepository(Root), [new OnnxRuntimeBackend(Buffers)], TimeProvider.System, sketches: sketches)
        {
            ResponseCacheIdentities = responseCache is not null,
        };
        Loaded = new LoadedModels(loader, NullLogger<LoadedModels>.Instance);
        Loaded.Lifecycle.LoadAll();
        foreach (var entry in Models.Table.Models.Values)
        {
            if (entry.Latest is null)
            {
                Dispose();
                throw new InvalidOperationException($"model '{entry.Name}' did not load: {entry.UnavailableReason}");
            }
        }

        Context = new ServerContext(Loaded, Buffers, new ServerContextOptions { StrictReadiness = false, MaxHttpBodyBytes = 64L << 20, ModelControlMode = ModelControlMode.None },
            hooks: hooks, tracing: tracing, responseCache: responseCache)
        { Started = true };
    }

    public string Root { get; }

    public PinnedBufferPool Buffers { get; }

    public LoadedModels Loaded { get; }

    public ModelCatalog Models => Loaded.Catalog;

    public ServerContext Context { get; }

    public ModelVersion Model(string name) => Models.Table.Models[name].Latest!;

    public void Dispose()
    {
        Loaded.Dispose();
        Buffers.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a benchmark over.
        }
    }
}
