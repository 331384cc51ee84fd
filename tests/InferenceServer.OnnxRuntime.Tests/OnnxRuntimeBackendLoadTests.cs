using Inference;
using InferenceServer.Core.Logging;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Config;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tests.Infrastructure;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using InferenceServer.OnnxRuntime.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.OnnxRuntime.Tests;

/// <summary>Loading and auto-completing configurations the way Triton's ONNX Runtime backend does (brief §5.13).</summary>
public sealed class OnnxRuntimeBackendLoadTests : IDisposable
{
    private readonly TempRepository _repository = new();
    private readonly PinnedBufferPool _pool = new(debug: true);
    private readonly OnnxRuntimeBackend _backend;

    public OnnxRuntimeBackendLoadTests()
    {
        _backend = new OnnxRuntimeBackend(_pool);
    }

    public void Dispose()
    {
        _repository.Dispose();
        _pool.Dispose();
    }

    /// <summary>Writes the model and loads version 1 the way the repository loader would (config name defaulted to the folder).</summary>
    private IModelRuntime Load(string name, byte[] onnx, string? configText = null)
    {
        _repository.Add(name, onnx, configText);
        var config = configText is null ? new ModelConfig() : ProtoTextParser.ParseModelConfig(configText, "config.pbtxt");
        if (config.Name.Length == 0)
        {
            config.Name = name;
        }

        return _backend.Load(new ModelLoadRequest(name, 1, _repository.ModelDirectory(name), _repository.VersionDirectory(name), config));
    }

    /// <summary>As <see cref="Load"/>, with another backend (e.g. one with GPUs).</summary>
    private IModelRuntime LoadWith(OnnxRuntimeBackend backend, string name, byte[] onnx, string configText)
    {
        _repository.Add(name, onnx, configText);
        var config = ProtoTextParser.ParseModelConfig(configText, "config.pbtxt");
        config.Name = name;
        return backend.Load(new ModelLoadRequest(name, 1, _repository.ModelDirectory(name), _repository.VersionDirectory(name), config));
    }

    [Fact]
    public void Load_LogsWhatItMade_InstancesDevicesThreadsAndRunPath()
    {
        var log = new RecordingLogger<OnnxRuntimeBackend>();
        var config = ProtoTextParser.ParseModelConfig("instance_group [ { kind: KIND_CPU, count: 2 } ]\nparameters { key: \"intra_op_thread_count\" value { string_value: \"3\" } }", "config.pbtxt");
        config.Name = "simple";
        _repository.Add("simple", SampleModels.Simple(), null);

        using var runtime = new OnnxRuntimeBackend(_pool, logger: log).Load(new ModelLoadRequest("simple", 1, _repository.ModelDirectory("simple"), _repository.VersionDirectory("simple"), config));

        var entry = Assert.Single(log.Entries);
        Assert.Equal((LogLevel.Information, EventIds.OnnxInstancesCreated), (entry.Level, entry.EventId.Id));
        Assert.Equal(
            "model 'simple' version 1: 2 ONNX Runtime instance(s): simple_0_0 on CPU (NativeValueRun), simple_0_1 on CPU (NativeValueRun); CPU sessions use 3 intra-op and 1 inter-op thread(s)",
            entry.Message);
    }

    private ModelLoadException LoadFails(string name, byte[] onnx, string? configText = null) =>
        Assert.Throws<ModelLoadException>(() => Load(name, onnx, configText).Dispose());

    [Fact]
    public void Load_NoConfigOnBatchableModel_CompletesEverythingLikeTriton()
    {
        using var runtime = Load("simple", SampleModels.Simple());
        var config = runtime.Config;

        Assert.Equal("simple", config.Name);
        Assert.Equal("onnxruntime", config.Backend);
        Assert.Equal("onnxruntime_onnx", config.Platform);
        Assert.Equal("model.onnx", config.DefaultModelFilename);
        Assert.Equal(4, config.MaxBatchSize);
        Assert.Equal(["INPUT0", "INPUT1"], config.Input.Select(i => i.Name).Order());
        Assert.Equal(["OUTPUT0", "OUTPUT1"], config.Output.Select(o => o.Name).Order());
        Assert.All(config.Input, i => Assert.Equal(global::Inference.DataType.TypeInt32, i.DataType));
        Assert.All(config.Input, i => Assert.Equal([16L], i.Dims));
        Assert.All(config.Output, o => Assert.Equal([16L], o.Dims));
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.DynamicBatching, config.SchedulingChoiceCase);

        var group = Assert.Single(config.InstanceGroup);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, group.Kind);
        Assert.Equal(2, group.Count);
        Assert.Equal("simple_0", group.Name);
        Assert.Equal(["simple_0_0", "simple_0_1"], runtime.Instances.Select(i => i.Name));
    }

    [Fact]
    public void Load_NoConfigOnFixedShapeModel_NoBatchingAndFullDims()
    {
        using var runtime = Load("fixed", SampleModels.FixedShape());
        var config = runtime.Config;

        Assert.Equal(0, config.MaxBatchSize);
        var input = Assert.Single(config.Input);
        Assert.Equal("INPUT0", input.Name);
        Assert.Equal(global::Inference.DataType.TypeFp32, input.DataType);
        Assert.Equal([2L, 3L], input.Dims);
        Assert.Equal([2L, 3L], Assert.Single(config.Output).Dims);
        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.None, config.SchedulingChoiceCase);
        Assert.Equal(2, runtime.Instances.Count);
    }

    [Fact]
    public void Load_NoConfigOnVariableDims_KeepsVariableDimsWithoutBatch()
    {
        using var runtime = Load("identity", SampleModels.Identity(OnnxType.String, -1, -1, 5));
        var input = Assert.Single(runtime.Config.Input);

        Assert.Equal(4, runtime.Config.MaxBatchSize);
        Assert.Equal(global::Inference.DataType.TypeString, input.DataType);
        Assert.Equal([-1L, 5L], input.Dims);
    }

    [Fact]
    public void Load_NoConfigOnRankOneBatchableModel_GivesDimsOneWithEmptyReshape()
    {
        using var runtime = Load("vector", SampleModels.Identity(OnnxType.Float, -1));
        var input = Assert.Single(runtime.Config.Input);

        Assert.Equal(4, runtime.Config.MaxBatchSize);
        Assert.Equal([1L], input.Dims);
        Assert.NotNull(input.Reshape);
        Assert.Empty(input.Reshape.Shape);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(16, true)]
    public void Load_PartialConfigWithMaxBatchSize_KeepsItAndAddsDynamicBatchingAboveOne(int maxBatchSize, bool dynamic)
    {
        using var runtime = Load("simple", SampleModels.Simple(), $"max_batch_size: {maxBatchSize}");
        var config = runtime.Config;

        Assert.Equal(maxBatchSize, config.MaxBatchSize);
        Assert.Equal(2, config.Input.Count);
        Assert.All(config.Input, i => Assert.Equal([16L], i.Dims));
        Assert.Equal(dynamic, config.SchedulingChoiceCase == ModelConfig.SchedulingChoiceOneofCase.DynamicBatching);
    }

    [Fact]
    public void Load_PartialConfigNamingInputsOnly_FillsTypesDimsAndOutputs()
    {
        using var runtime = Load("simple", SampleModels.Simple(), """
            name: "simple"
            max_batch_size: 8
            input [ { name: "INPUT1" }, { name: "INPUT0", dims: [ 16 ] } ]
            instance_group [ { count: 1 } ]
            """);
        var config = runtime.Config;

        Assert.Equal(8, config.MaxBatchSize);
        Assert.Equal(["INPUT1", "INPUT0"], config.Input.Select(i => i.Name));
        Assert.All(config.Input, i => Assert.Equal(global::Inference.DataType.TypeInt32, i.DataType));
        Assert.All(config.Input, i => Assert.Equal([16L], i.Dims));
        Assert.Equal(2, config.Output.Count);
        Assert.Equal("onnxruntime", config.Backend);
        var group = Assert.Single(config.InstanceGroup);
        Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, group.Kind);
        Assert.Single(runtime.Instances);
    }

    [Fact]
    public void Load_ConfigWithExistingScheduling_LeavesItAlone()
    {
        using var runtime = Load("simple", SampleModels.Simple(), "max_batch_size: 8\nsequence_batching { }");

        Assert.Equal(ModelConfig.SchedulingChoiceOneofCase.SequenceBatching, runtime.Config.SchedulingChoiceCase);
    }

    [Fact]
    public void Load_KindAutoAndCountZero_BecomesCpuWithDefaultCount()
    {
        using var runtime = Load("fixed", SampleModels.FixedShape(), "instance_group [ { name: \"g\", kind: KIND_AUTO }, { count: 3, kind: KIND_CPU } ]");
        var groups = runtime.Config.InstanceGroup;

        Assert.All(groups, g => Assert.Equal(ModelInstanceGroup.Types.Kind.Cpu, g.Kind));
        Assert.Equal([2, 3], groups.Select(g => g.Count));
        Assert.Equal(["g", "fixed_1"], groups.Select(g => g.Name));
        Assert.Equal(["g_0", "g_1", "fixed_1_0", "fixed_1_1", "fixed_1_2"], runtime.Instances.Select(i => i.Name));
    }

    [Theory]
    [InlineData("input [ { name: \"INPUT9\" } ]", "input 'INPUT9'", "INPUT0")]
    [InlineData("output [ { name: \"SCORES\", data_type: TYPE_INT32, dims: [ 16 ] } ]", "output 'SCORES'", "OUTPUT0")]
    public void Load_ConfigNamesTensorTheModelLacks_ThrowsNamingIt(string tensors, string named, string modelTensor)
    {
        var ex = LoadFails("simple", SampleModels.Simple(), "max_batch_size: 8\n" + tensors);

        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
        Assert.Contains(modelTensor, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'simple'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfiguredTypeDiffersFromModel_ThrowsNamingTensorAndBothTypes()
    {
        var ex = LoadFails("simple", SampleModels.Simple(), """
            max_batch_size: 8
            input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 16 ] } ]
            """);

        Assert.Contains("'INPUT0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TYPE_FP32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TYPE_INT32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfiguredRankDiffersFromModel_ThrowsNamingTensor()
    {
        var ex = LoadFails("simple", SampleModels.Simple(), """
            max_batch_size: 8
            input [ { name: "INPUT0", data_type: TYPE_INT32, dims: [ 4, 4 ] } ]
            """);

        Assert.Contains("'INPUT0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("without the batch dimension", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", "[ 3, 2 ]")]
    [InlineData("0", "[ 2, -1 ]")]
    [InlineData("0", "[ 2, 4 ]")]
    public void Load_ConfiguredDimsDifferFromFixedModelDims_ThrowsNamingTensor(string maxBatchSize, string dims)
    {
        var ex = LoadFails("fixed", SampleModels.FixedShape(), $$"""
            max_batch_size: {{maxBatchSize}}
            input [ { name: "INPUT0", data_type: TYPE_FP32, dims: {{dims}} } ]
            """);

        Assert.Contains("'INPUT0'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[2,3]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfiguredFixedDimWhereModelIsVariable_Accepted()
    {
        using var runtime = Load("identity", SampleModels.Identity(OnnxType.Float, -1, -1), """
            max_batch_size: 2
            input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 7 ] } ]
            output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ -1 ] } ]
            instance_group [ { count: 1 } ]
            """);

        Assert.Equal([7L], runtime.Config.Input[0].Dims);
    }

    [Fact]
    public void Load_MaxBatchSizeOnModelThatCannotBatch_Throws()
    {
        var ex = LoadFails("fixed", SampleModels.FixedShape(), "max_batch_size: 4");

        Assert.Contains("max_batch_size is 4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cannot batch", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MaxBatchSizeWithFullConfigOnModelThatCannotBatch_ThrowsNamingTensor()
    {
        // Every tensor is configured, so auto-complete has nothing to infer: the check must still
        // refuse to batch a model whose first dimension is fixed (Triton: "the first dimension must be -1").
        var ex = LoadFails("fixed", SampleModels.FixedShape(), """
            max_batch_size: 4
            input [ { name: "INPUT0", data_type: TYPE_FP32, dims: [ 3 ] } ]
            output [ { name: "OUTPUT0", data_type: TYPE_FP32, dims: [ 3 ] } ]
            """);

        Assert.Contains("'INPUT0'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_KindModel_ThrowsSayingWhichKindsTheBackendTakes()
    {
        var ex = LoadFails("simple", SampleModels.Simple(), "instance_group [ { kind: KIND_MODEL, count: 1 } ]");

        Assert.Equal(
            "model 'simple': instance group 'simple_0' asks for KIND_MODEL, which the onnxruntime backend does not support; use KIND_CPU or KIND_GPU",
            ex.Message);
    }

    [Fact]
    public void Load_KindGpuWithoutGpu_ThrowsNamingTheReasonAndTheFallbackSwitch()
    {
        var ex = LoadFails("simple", SampleModels.Simple(), "instance_group [ { kind: KIND_GPU, count: 1 } ]");

        Assert.Equal(
            "model 'simple': instance group 'simple_0' asks for KIND_GPU, but no GPU is available: this server was started without GPU support; "
            + "use kind: KIND_CPU, or set parameters { key: \"gpu_fallback_to_cpu\" value { string_value: \"true\" } } to run KIND_GPU groups on the CPU where no GPU can serve them",
            ex.Message);
        Assert.Equal(0, _pool.AllocatedBytes);
    }

    [Fact]
    public void Load_KindGpuWithFallbackAndNoGpu_RunsTheGroupOnTheCpu()
    {
        using var runtime = Load("simple", SampleModels.Simple(), """
            instance_group [ { kind: KIND_GPU, count: 2 } ]
            parameters { key: "gpu_fallback_to_cpu" value { string_value: "true" } }
            """);

        Assert.Equal(2, runtime.Instances.Count);
        Assert.All(runtime.Instances, i => Assert.Equal(-1, Assert.IsType<OnnxModelInstance>(i).DeviceOrdinal));
    }

    [Fact]
    public void Load_BadFallbackValue_ThrowsNamingTheParameter()
    {
        var ex = LoadFails("simple", SampleModels.Simple(), """
            instance_group [ { kind: KIND_GPU, count: 1 } ]
            parameters { key: "gpu_fallback_to_cpu" value { string_value: "yes" } }
            """);

        Assert.Equal("model 'simple': parameter 'gpu_fallback_to_cpu' must be \"true\" or \"false\", got 'yes'", ex.Message);
    }

    [Theory]
    [InlineData("instance_group [ { kind: KIND_GPU, count: 2 } ]", "0,0,1,1")]
    [InlineData("instance_group [ { kind: KIND_GPU, count: 1, gpus: [ 1 ] } ]", "1")]
    [InlineData("instance_group [ { kind: KIND_GPU, count: 1, gpus: [ 1, 0 ] }, { kind: KIND_CPU, count: 1 } ]", "1,0,-1")]
    [InlineData("instance_group [ { kind: KIND_AUTO } ]", "0,1")]
    [InlineData("max_batch_size: 4", "0,1")]
    public void Load_OnTwoGpus_PlacesInstancesAsTriton(string config, string expectedDevices)
    {
        using var gpus = new Gpu.HostStandInGpuPlatform(deviceCount: 2);
        using var runtime = LoadWith(new OnnxRuntimeBackend(_pool, gpus), "simple", SampleModels.Simple(), config);

        Assert.Equal(expectedDevices, string.Join(',', runtime.Instances.Select(i => ((OnnxModelInstance)i).DeviceOrdinal)));
    }

    [Fact]
    public void Load_GpuOrdinalBeyondTheMachine_ThrowsNamingItAndTheRange()
    {
        using var gpus = new Gpu.HostStandInGpuPlatform(deviceCount: 2);

        var ex = Assert.Throws<ModelLoadException>(() =>
            LoadWith(new OnnxRuntimeBackend(_pool, gpus), "simple", SampleModels.Simple(), "instance_group [ { kind: KIND_GPU, count: 1, gpus: [ 0, 5 ] } ]").Dispose());

        Assert.Equal("model 'simple': instance group 'simple_0' names GPU 5, but this machine has GPUs 0 to 1", ex.Message);
        Assert.Equal(0, gpus.Pool(0).OutstandingCount);
    }

    [Fact]
    public void Load_CorruptModelFile_ThrowsNamingTheFile()
    {
        var ex = LoadFails("corrupt", SampleModels.Corrupt());

        Assert.Contains(Path.Combine(_repository.VersionDirectory("corrupt"), "model.onnx"), ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _pool.AllocatedBytes);
    }

    [Fact]
    public void RepositoryLoader_CorruptModel_VersionUnavailableWithReasonNamingFile()
    {
        _repository.Add("corrupt", SampleModels.Corrupt());
        _repository.Add("fine", SampleModels.FixedShape(), "instance_group [ { count: 1 } ]");
        var loader = new ModelRepositoryLoader(new ModelRepository(_repository.Root), [_backend], TimeProvider.System);

        var corrupt = loader.Load("corrupt");
        var fine = loader.Load("fine");

        var version = Assert.Single(corrupt.Versions);
        Assert.Equal(ModelState.Unavailable, version.State);
        Assert.Contains(Path.Combine("corrupt", "1", "model.onnx"), version.Reason, StringComparison.Ordinal);
        Assert.Null(corrupt.Latest);
        Assert.NotNull(fine.Latest);
        Assert.Equal(ModelState.Ready, fine.Versions[0].State);
        fine.Latest.Dispose();
    }

    [Fact]
    public void RepositoryLoader_SampleRepository_EveryModelReady()
    {
        SampleRepositoryWriter.Write(_repository.Root);
        var loader = new ModelRepositoryLoader(new ModelRepository(_repository.Root), [_backend], TimeProvider.System);

        var entries = loader.Repository.ListModelNames().Select(name => loader.Load(name)).ToArray();

        Assert.Equal(SampleRepositoryWriter.CreateSamples().Count, entries.Length);
        foreach (var entry in entries)
        {
            Assert.True(entry.Latest is not null, $"{entry.Name}: {entry.UnavailableReason}");
            entry.Latest.Dispose();
        }
    }

    [Fact]
    public void Load_MissingModelFile_ThrowsNamingTheFile()
    {
        var ex = LoadFails("missing", SampleModels.Simple(), "default_model_filename: \"other.onnx\"");

        Assert.Contains("other.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DefaultModelFilenameSet_LoadsThatFile()
    {
        _repository.Add("renamed", SampleModels.Corrupt());
        File.WriteAllBytes(Path.Combine(_repository.VersionDirectory("renamed"), "real.onnx"), SampleModels.FixedShape());
        var config = new ModelConfig { Name = "renamed", DefaultModelFilename = "real.onnx" };

        using var runtime = _backend.Load(new ModelLoadRequest("renamed", 1, _repository.ModelDirectory("renamed"), _repository.VersionDirectory("renamed"), config));

        Assert.Equal("real.onnx", runtime.Config.DefaultModelFilename);
        Assert.Equal([2L, 3L], Assert.Single(runtime.Config.Input).Dims);
    }

    [Theory]
    [InlineData("intra_op_thread_count", "many")]
    [InlineData("inter_op_thread_count", "-1")]
    public void Load_BadThreadCountParameter_ThrowsNamingIt(string key, string value)
    {
        var ex = LoadFails("fixed", SampleModels.FixedShape(), $"parameters {{ key: \"{key}\" value: {{ string_value: \"{value}\" }} }}");

        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Contains(value, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ThreadCountParameters_Accepted()
    {
        using var runtime = Load("fixed", SampleModels.FixedShape(), """
            parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
            parameters { key: "inter_op_thread_count" value: { string_value: "1" } }
            instance_group [ { count: 1 } ]
            """);

        Assert.Single(runtime.Instances);
    }

    [Fact]
    public void CanServe_BackendOrPlatformOrDefaultFile_DecidesOwnership()
    {
        _repository.Add("m", SampleModels.FixedShape());
        var versionDirectory = _repository.VersionDirectory("m");
        var empty = Path.Combine(_repository.Root, "empty");
        Directory.CreateDirectory(empty);

        Assert.True(_backend.CanServe(new ModelConfig { Backend = "onnxruntime" }, empty));
        Assert.True(_backend.CanServe(new ModelConfig { Platform = "onnxruntime_onnx" }, empty));
        Assert.False(_backend.CanServe(new ModelConfig { Backend = "pytorch" }, versionDirectory));
        Assert.False(_backend.CanServe(new ModelConfig { Platform = "tensorrt_plan" }, versionDirectory));
        Assert.True(_backend.CanServe(new ModelConfig(), versionDirectory));
        Assert.False(_backend.CanServe(new ModelConfig(), empty));
        Assert.False(_backend.CanServe(new ModelConfig { DefaultModelFilename = "other.onnx" }, versionDirectory));
        Assert.Equal("onnxruntime_onnx", _backend.Platform);
    }
}
