using System.Globalization;
using Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;
using Microsoft.ML.OnnxRuntime;

namespace InferenceServer.OnnxRuntime;

/// <summary>
/// Loads ONNX models with ONNX Runtime on the CPU: one <see cref="InferenceSession"/> per instance.
/// Session threads: <c>intra_op_thread_count</c> / <c>inter_op_thread_count</c> from the config's
/// <c>parameters</c> (Triton's ONNX backend keys); by default each session gets an equal share of the
/// cores, so instances × threads never oversubscribes the machine.
/// </summary>
public sealed class OnnxRuntimeBackend : IModelBackend
{
    public const string BackendName = "onnxruntime";
    public const string PlatformName = "onnxruntime_onnx";
    public const string DefaultModelFileName = "model.onnx";

    private readonly PinnedBufferPool _pool;

    public OnnxRuntimeBackend(PinnedBufferPool pool)
    {
        _pool = pool;
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

        var sessions = new List<InferenceSession>();
        SessionOptions? options = null;
        try
        {
            var first = CreateSession(path, options = CreateOptions(config, EstimateInstanceCount(config)));
            sessions.Add(first);
            OnnxAutoComplete.Complete(config, first, fileName);
            RejectGpuGroups(config);
            var instanceCount = config.InstanceGroup.Sum(g => g.Count);
            for (var i = 1; i < instanceCount; i++)
            {
                sessions.Add(CreateSession(path, options));
            }

            var signature = ModelSignatureFactory.FromConfig(config);
            var instances = new List<IModelInstance>(instanceCount);
            var next = 0;
            foreach (var group in config.InstanceGroup)
            {
                for (var i = 0; i < group.Count; i++)
                {
                    instances.Add(new OnnxModelInstance($"{group.Name}_{i}", sessions[next++], signature, _pool));
                }
            }

            return new OnnxModelRuntime(config, instances, options);
        }
        catch
        {
            foreach (var session in sessions)
            {
                session.Dispose();
            }

            options?.Dispose();
            throw;
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

    private static void RejectGpuGroups(ModelConfig config)
    {
        foreach (var group in config.InstanceGroup)
        {
            if (group.Kind != ModelInstanceGroup.Types.Kind.Cpu)
            {
                throw new ModelLoadException(
                    $"model '{config.Name}': instance group '{group.Name}' asks for KIND_{group.Kind.ToString().ToUpperInvariant()}, but this server runs ONNX Runtime on the CPU only; use kind: KIND_CPU");
            }
        }
    }
}
