using System.Globalization;
using Inference;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Cuda;
using InferenceServer.OnnxRuntime.Gpu;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Loads ONNX models with ONNX Runtime: one <see cref="InferenceSession"/> per instance, on the CPU or,
/// for <c>KIND_GPU</c> groups, on a GPU of the <see cref="IGpuPlatform"/> with the instance's own CUDA
/// stream (placement: <see cref="InstancePlacement"/>). Session threads: <c>intra_op_thread_count</c> /
/// <c>inter_op_thread_count</c> from the config's <c>parameters</c> (Triton's ONNX backend keys); by
/// default each session gets an equal share of the cores, so instances × threads never oversubscribes
/// the machine. Without <c>instance_group</c> a model gets one instance per GPU where GPUs can serve it
/// (Triton), else two CPU instances; <c>KIND_AUTO</c> means GPU where one can serve, else CPU.
/// </summary>
public sealed partial class OnnxRuntimeBackend : IModelBackend
{
    public const string BackendName = "onnxruntime";
    public const string PlatformName = "onnxruntime_onnx";
    public const string DefaultModelFileName = "model.onnx";

    private readonly PinnedBufferPool _pool;
    private readonly IGpuPlatform _gpus;
    private readonly ILogger _logger;

    /// <param name="gpus">Where <c>KIND_GPU</c> instances go; without one every such group fails to load saying so.</param>
    /// <param name="logger">Says what each load made (instances, devices, threads, run path) and why a model refused a batch.</param>
    public OnnxRuntimeBackend(PinnedBufferPool pool, IGpuPlatform? gpus = null, ILogger<OnnxRuntimeBackend>? logger = null)
    {
        _pool = pool;
        _gpus = gpus ?? new UnavailableGpuPlatform("this server was started without GPU support");
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public string Platform => PlatformName;

    public bool CanServe(ModelConfig config, string versionDirectory)
    {
        if (config.Backend.Length > 0 || config.Platform.Length > 0)
        {
            return config.Backend == BackendName || config.Platform == PlatformName;
        }

        var fileName = config.DefaultModelFilename.Length > 0 ? config.DefaultModelFilename : DefaultModelFileName;
        return Path.Exists(Path.Combine(versionDirectory, fileName));
    }

    public IModelRuntime Load(ModelLoadRequest request)
    {
        var config = request.Config;
        var fileName = config.DefaultModelFilename.Length > 0 ? config.DefaultModelFilename : DefaultModelFileName;
        var path = ModelFilePath(request.VersionDirectory, fileName);
        if (request.RepositoryRoot.Length > 0)
        {
            // default_model_filename comes from the config, and the file may be a link: both must stay inside.
            ModelRepository.EnsureUnder(path, request.RepositoryRoot, $"the model file '{fileName}'");
        }

        var gpuUsable = _gpus.UnavailableReason.Length == 0 && _gpus.DeviceCount > 0;
        ResolveDefaultKinds(config, gpuUsable);
        var instances = new List<OnnxModelInstance>();
        InferenceSession? first = null;
        SessionOptions? options = null;
        try
        {
            // The first session (CPU) reads the model's interface for auto-complete; it serves as the first CPU instance.
            first = CreateSession(path, options = CreateOptions(config, EstimateInstanceCount(config)));
            OnnxAutoComplete.Complete(config, first, fileName);
            var signature = ModelSignatureFactory.FromConfig(config);
            OnnxAutoComplete.CheckServerTensors(config, first, signature);
            foreach (var placement in InstancePlacement.Place(config, _gpus))
            {
                if (placement.DeviceOrdinal < 0)
                {
                    var session = first ?? CreateSession(path, options);
                    first = null;
                    instances.Add(new OnnxModelInstance(placement.Name, session, signature, _pool, _logger));
                }
                else
                {
                    instances.Add(CreateGpuInstance(config, path, placement, signature));
                }
            }

            first?.Dispose();
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var described = string.Join(", ", instances.Select(i => $"{i.Name} on {(i.DeviceOrdinal < 0 ? "CPU" : $"GPU {i.DeviceOrdinal}")} ({i.RunPath})"));
                LogInstancesCreated(request.ModelName, request.Version, instances.Count, described, options.IntraOpNumThreads, options.InterOpNumThreads);
            }

            return new OnnxModelRuntime(config, instances, options, MemoryUsage(path, instances));
        }
        catch
        {
            foreach (var instance in instances)
            {
                instance.Dispose();
            }

            first?.Dispose();
            options?.Dispose();
            throw;
        }
    }

    // Each session holds its own copy of the weights, on the device it runs on: what the statistics' memory_usage reports
    // (docs/telemetry.md, "Memory usage", says what it leaves out).
    private static VersionMemoryUsage[] MemoryUsage(string path, List<OnnxModelInstance> instances)
    {
        if (OnnxWeightBytes.Count(path) is not { } weights)
        {
            return [];
        }

        return [.. instances.GroupBy(i => i.DeviceOrdinal).OrderBy(g => g.Key).Select(g => g.Key < 0
            ? new VersionMemoryUsage(VersionMemoryUsage.Cpu, 0, weights * g.Count())
            : new VersionMemoryUsage(VersionMemoryUsage.Gpu, g.Key, weights * g.Count()))];
    }

    /// <summary>A session of its own options (its CUDA provider runs on the instance's stream) on the placement's GPU.</summary>
    private OnnxModelInstance CreateGpuInstance(ModelConfig config, string path, InstancePlacement.Instance placement, ModelSignature signature)
    {
        IInstanceDevice device;
        try
        {
            device = _gpus.CreateInstanceDevice(placement.DeviceOrdinal);
        }
        catch (CudaException ex)
        {
            // A stream or event the GPU cannot give (out of memory, a context lost): this load fails, the instances made
            // so far are disposed by the caller, and the versions already serving keep serving.
            throw new ModelLoadException($"model '{config.Name}': GPU {placement.DeviceOrdinal} could not make instance '{placement.Name}': {ex.Message}", ex);
        }

        SessionOptions? options = null;
        try
        {
            options = CreateOptions(config, EstimateInstanceCount(config));
            try
            {
                OrtInstanceDevice.AddExecutionProvider(options, device);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new ModelLoadException($"model '{config.Name}': ONNX Runtime could not use GPU {placement.DeviceOrdinal} for instance '{placement.Name}': {ex.Message}", ex);
            }

            return new OnnxModelInstance(placement.Name, CreateSession(path, options), signature, _pool, _logger, device, options);
        }
        catch
        {
            options?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <summary>Triton's defaults where the config leaves the kind open: GPU where one can serve the model, else CPU.</summary>
    private static void ResolveDefaultKinds(ModelConfig config, bool gpuUsable)
    {
        if (!gpuUsable)
        {
            return;
        }

        if (config.InstanceGroup.Count == 0)
        {
            config.InstanceGroup.Add(new ModelInstanceGroup { Kind = ModelInstanceGroup.Types.Kind.Gpu, Count = 1 });
        }

        foreach (var group in config.InstanceGroup)
        {
            if (group.Kind == ModelInstanceGroup.Types.Kind.Auto)
            {
                group.Kind = ModelInstanceGroup.Types.Kind.Gpu;
            }
        }
    }

    private static string ModelFilePath(string versionDirectory, string fileName)
    {
        var path = Path.Combine(versionDirectory, fileName);
        if (Directory.Exists(path))
        {
            // Triton allows model.onnx to be a folder holding model.onnx plus external weight files.
            path = Path.Combine(path, fileName);
        }

        if (!File.Exists(path))
        {
            throw new ModelLoadException($"model file '{path}' does not exist");
        }

        return path;
    }

    private static InferenceSession CreateSession(string path, SessionOptions options)
    {
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException($"ONNX Runtime could not load '{path}': {ex.Message}", ex);
        }
    }

    private static SessionOptions CreateOptions(ModelConfig config, int instanceCount)
    {
        var options = new SessionOptions
        {
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = IntParameter(config, "intra_op_thread_count") ?? Math.Max(1, Environment.ProcessorCount / Math.Max(1, instanceCount)),
            InterOpNumThreads = IntParameter(config, "inter_op_thread_count") ?? 1,
        };
        return options;
    }

    private static int EstimateInstanceCount(ModelConfig config) =>
        config.InstanceGroup.Count == 0 ? OnnxAutoComplete.DefaultCpuInstanceCount
            : config.InstanceGroup.Sum(g => g.Count < 1 ? OnnxAutoComplete.DefaultCpuInstanceCount : g.Count);

    private static int? IntParameter(ModelConfig config, string key)
    {
        if (!config.Parameters.TryGetValue(key, out var parameter))
        {
            return null;
        }

        if (!int.TryParse(parameter.StringValue, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            throw new ModelLoadException($"model '{config.Name}': parameter '{key}' must be a non-negative integer, got '{parameter.StringValue}'");
        }

        return value;
    }

    [LoggerMessage(EventId = EventIds.OnnxInstancesCreated, Level = LogLevel.Information,
        Message = "model '{Model}' version {Version}: {Count} ONNX Runtime instance(s): {Instances}; CPU sessions use {IntraOpThreads} intra-op and {InterOpThreads} inter-op thread(s)")]
    private partial void LogInstancesCreated(string model, long version, int count, string instances, int intraOpThreads, int interOpThreads);
}
