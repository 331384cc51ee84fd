using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Models.Repository;
using InferenceServer.Core.Tensors;
using InferenceServer.ModelBuilder.Samples;
using InferenceServer.OnnxRuntime.Gpu;
using InferenceServer.OnnxRuntime.Tests.Infrastructure;
using OnnxType = InferenceServer.ModelBuilder.Onnx.TensorProto.Types.DataType;

namespace InferenceServer.OnnxRuntime.Tests;

/// <summary>
/// One repository of models loaded once for the execution tests: an Identity model per datatype (no
/// config but an instance_group of one, so the rest is auto-completed), Triton's simple and simple_string,
/// and simple with dynamic batching (a batch closes only when full, so concurrent requests are gathered).
/// </summary>
public class ExecutionRepositoryFixture : IDisposable
{
    public static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    internal static readonly IReadOnlyDictionary<DataType, OnnxType> IdentityTypes = new Dictionary<DataType, OnnxType>
    {
        [DataType.Bool] = OnnxType.Bool,
        [DataType.UInt8] = OnnxType.Uint8,
        [DataType.UInt16] = OnnxType.Uint16,
        [DataType.UInt32] = OnnxType.Uint32,
        [DataType.UInt64] = OnnxType.Uint64,
        [DataType.Int8] = OnnxType.Int8,
        [DataType.Int16] = OnnxType.Int16,
        [DataType.Int32] = OnnxType.Int32,
        [DataType.Int64] = OnnxType.Int64,
        [DataType.Fp16] = OnnxType.Float16,
        [DataType.Fp32] = OnnxType.Float,
        [DataType.Fp64] = OnnxType.Double,
        [DataType.Bytes] = OnnxType.String,
        [DataType.Bf16] = OnnxType.Bfloat16,
    };

    private readonly TempRepository _repository = new();
    private readonly Dictionary<string, ModelEntry> _entries = [];

    public ExecutionRepositoryFixture()
        : this("KIND_CPU", gpus: null)
    {
    }

    /// <param name="kind">The kind of every model's one instance.</param>
    /// <param name="gpus">Where KIND_GPU instances go.</param>
    private protected ExecutionRepositoryFixture(string kind, IGpuPlatform? gpus)
    {
        var OneInstance = $"instance_group [ {{ count: 1, kind: {kind} }} ]";
        foreach (var (type, onnx) in IdentityTypes)
        {
            _repository.Add(IdentityName(type), SampleModels.Identity(onnx), OneInstance);
        }

        _repository.Add("simple", SampleModels.Simple(), OneInstance);
        _repository.Add("simple_string", SampleModels.SimpleString(), OneInstance);
        _repository.Add("fixed", SampleModels.FixedShape(), OneInstance);
        _repository.Add("simple_batched", SampleModels.Simple(), $"{OneInstance}\nmax_batch_size: {BatchedRows}\ndynamic_batching {{ max_queue_delay_microseconds: 600000000 }}");

        var loader = new ModelRepositoryLoader(new ModelRepository(_repository.Root), [new OnnxRuntimeBackend(Pool, gpus)], Time);
        foreach (var name in loader.Repository.ListModelNames())
        {
            _entries[name] = loader.Load(name);
        }
    }

    /// <summary>The pool outputs are rented from; leak tracking shows every response gave its buffers back.</summary>
    public PinnedBufferPool Pool { get; } = new(debug: true);

    internal ManualTimeProvider Time { get; } = new(Now);

    public static TheoryData<DataType> AllTypes => new(IdentityTypes.Keys);

    /// <summary>max_batch_size of simple_batched: that many concurrent one-row requests make one batch.</summary>
    public const int BatchedRows = 4;

    public static string IdentityName(DataType type) => "identity_" + type.ToProtocolString().ToLowerInvariant();

    public ModelVersion Model(string name)
    {
        var entry = _entries[name];
        return entry.Latest ?? throw new InvalidOperationException($"model '{name}' did not load: {entry.UnavailableReason}");
    }

    public virtual void Dispose()
    {
        foreach (var entry in _entries.Values)
        {
            foreach (var version in entry.ReadyVersions)
            {
                version.Dispose();
            }
        }

        Pool.Dispose();
        _repository.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The same repository with every instance KIND_GPU on a GPU made of host memory
/// (<see cref="HostStandInGpuPlatform"/>): every execution test then runs through the GPU instance path —
/// device leases, copies in and out, OrtValues over device buffers, stage timing.
/// </summary>
public sealed class StandInGpuExecutionRepositoryFixture : ExecutionRepositoryFixture
{
    public StandInGpuExecutionRepositoryFixture()
        : this(new HostStandInGpuPlatform(deviceCount: 1))
    {
    }

    private StandInGpuExecutionRepositoryFixture(HostStandInGpuPlatform gpus)
        : base("KIND_GPU", gpus)
    {
        Gpus = gpus;
    }

    internal HostStandInGpuPlatform Gpus { get; }

    public override void Dispose()
    {
        base.Dispose();
        Gpus.Dispose();
    }
}

public sealed class OnnxModelExecutionTests(ExecutionRepositoryFixture fixture)
    : ModelExecutionTests<ExecutionRepositoryFixture>(fixture)
{
    [Fact]
    public void Instances_AreOnTheCpu() =>
        Assert.All(Fixture.Model("simple").Instances, i => Assert.Equal(-1, Assert.IsType<OnnxModelInstance>(i).DeviceOrdinal));
}

/// <summary>Every execution test again, on KIND_GPU instances of a stand-in GPU, plus what only that path has.</summary>
public sealed class GpuInstanceExecutionTests(StandInGpuExecutionRepositoryFixture fixture)
    : ModelExecutionTests<StandInGpuExecutionRepositoryFixture>(fixture)
{
    [Fact]
    public void Instances_AreOnGpuZero() =>
        Assert.All(Fixture.Model("simple").Instances, i => Assert.Equal(0, Assert.IsType<OnnxModelInstance>(i).DeviceOrdinal));

    [Fact]
    public async Task InferAsync_OnGpu_StagesThroughDeviceBuffersAndReturnsThemAll()
    {
        var pool = Fixture.Gpus.Pool(0);
        var before = pool.RentedBytes;

        await InferAsync_SimpleAddSub_ComputesBothOutputs();

        // Two inputs and two outputs of 2 × 16 int32 each went through device buffers (4 KiB class),
        // and every lease came back.
        Assert.True(pool.AllocatedBytes >= 4 * 4096, $"device pool holds {pool.AllocatedBytes} bytes");
        Assert.Equal(before, pool.RentedBytes);
        Assert.Equal(0, pool.OutstandingCount);
        Assert.Equal(0, pool.GetLeakReport().OutstandingCount);
    }
}

public abstract class ModelExecutionTests<TFixture> : IClassFixture<TFixture>, IDisposable
    where TFixture : ExecutionRepositoryFixture
{
    private readonly TFixture _fixture;

    // Request inputs live in pinned buffers of their own, as the front ends hand them over.
    private readonly PinnedBufferPool _inputs = new(debug: true);

    protected ModelExecutionTests(TFixture fixture)
    {
        _fixture = fixture;
    }

    protected TFixture Fixture => _fixture;

    public void Dispose()
    {
        // Every response and request buffer went back: nothing leaked on any path.
        Assert.Equal(0, _fixture.Pool.OutstandingCount);
        Assert.Equal(0, _inputs.OutstandingCount);
        _inputs.Dispose();
        GC.SuppressFinalize(this);
    }

    private void AddInput(InferenceRequest request, string name, DataType type, long[] shape, byte[] data)
    {
        var buffer = _inputs.Rent(data.Length);
        data.CopyTo(buffer.Span);
        request.Own(buffer);
        InferenceRequest.SetInputData(request.AddInput(name, type, TensorShape.Create(shape), spec: null), buffer.Memory);
    }

    private static async Task Infer(ModelVersion model, InferenceRequest request)
    {
        await model.InferAsync(request).WithTimeout();
        Assert.False(request.Error.IsError, request.Error.Message);
    }

    [Theory]
    [MemberData(nameof(ExecutionRepositoryFixture.AllTypes), MemberType = typeof(ExecutionRepositoryFixture))]
    public async Task InferAsync_IdentityOfEachDatatype_ReturnsInputBytesAndCountsStatistics(DataType type)
    {
        var model = _fixture.Model(ExecutionRepositoryFixture.IdentityName(type));
        Assert.Equal(4, model.Config.MaxBatchSize);
        var data = TensorData.Create(type, 6);
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", type, [2, 3], data);
        var statistics = model.Statistics;
        var (success, queue, executions, inferences, computes) =
            (statistics.Success.Count, statistics.Queue.Count, statistics.ExecutionCount, statistics.InferenceCount, statistics.ComputeInfer.Count);
        _fixture.Time.Advance(TimeSpan.FromMinutes(1));

        await Infer(model, request);

        var output = Assert.Single(request.Outputs.ToArray());
        Assert.Equal("OUTPUT0", output.Name);
        Assert.Equal(type, output.DataType);
        Assert.Equal([2L, 3L], output.Shape.ToArray());
        Assert.Equal(data, output.Data.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetMemoryManager<byte, PinnedBuffer>(output.Data, out var buffer, out var start, out _));
        Assert.Equal(0, (buffer.Pointer + start) % PinnedBufferPool.Alignment);

        Assert.Equal(success + 1, statistics.Success.Count);
        Assert.Equal(0, statistics.Fail.Count);
        Assert.Equal(queue + 1, statistics.Queue.Count);
        Assert.Equal(executions + 1, statistics.ExecutionCount);
        Assert.Equal(inferences + 2, statistics.InferenceCount);
        Assert.Equal(computes + 1, statistics.ComputeInfer.Count);
        Assert.Equal(statistics.ComputeInfer.Count, statistics.ComputeInput.Count);
        Assert.Equal(statistics.ComputeInfer.Count, statistics.ComputeOutput.Count);
        Assert.Equal(_fixture.Time.GetUtcNow().ToUnixTimeMilliseconds(), statistics.LastInferenceMilliseconds);

        request.TryReset();
    }

    [Theory]
    [InlineData(DataType.Fp32)]
    [InlineData(DataType.Bytes)]
    public async Task InferAsync_ZeroSizeTensor_ReturnsEmptyOutputOfThatShape(DataType type)
    {
        var model = _fixture.Model(ExecutionRepositoryFixture.IdentityName(type));
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", type, [1, 0], []);

        await Infer(model, request);

        var output = Assert.Single(request.Outputs.ToArray());
        Assert.Equal([1L, 0L], output.Shape.ToArray());
        Assert.Equal(0, output.Data.Length);
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_SimpleAddSub_ComputesBothOutputs()
    {
        var model = _fixture.Model("simple");
        var a = Enumerable.Range(0, 32).ToArray();
        var b = Enumerable.Range(0, 32).Select(i => i * 10).ToArray();
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Int32, [2, 16], TensorData.Bytes(a));
        AddInput(request, "INPUT1", DataType.Int32, [2, 16], TensorData.Bytes(b));

        await Infer(model, request);

        var outputs = request.Outputs.ToArray();
        Assert.Equal(["OUTPUT0", "OUTPUT1"], outputs.Select(o => o.Name));
        Assert.Equal(TensorData.Bytes(a.Zip(b, (x, y) => x + y).ToArray()), outputs[0].Data.ToArray());
        Assert.Equal(TensorData.Bytes(a.Zip(b, (x, y) => x - y).ToArray()), outputs[1].Data.ToArray());
        Assert.All(outputs, o => Assert.Equal([2L, 16L], o.Shape.ToArray()));
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_RequestedOutputSubset_ReturnsOnlyThoseInRequestedOrder()
    {
        var model = _fixture.Model("simple");
        var request = new InferenceRequest();
        AddInput(request, "INPUT1", DataType.Int32, [1, 16], TensorData.Bytes(Enumerable.Repeat(2, 16).ToArray()));
        AddInput(request, "INPUT0", DataType.Int32, [1, 16], TensorData.Bytes(Enumerable.Repeat(5, 16).ToArray()));
        request.AddRequestedOutput("OUTPUT1", binary: true);

        await Infer(model, request);

        var output = Assert.Single(request.Outputs.ToArray());
        Assert.Equal("OUTPUT1", output.Name);
        Assert.Equal(TensorData.Bytes(Enumerable.Repeat(3, 16).ToArray()), output.Data.ToArray());
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_SimpleString_ParsesAndFormatsDecimalStrings()
    {
        var model = _fixture.Model("simple_string");
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Bytes, [1, 16], TensorData.Strings(Enumerable.Range(0, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));
        AddInput(request, "INPUT1", DataType.Bytes, [1, 16], TensorData.Strings(Enumerable.Repeat("1", 16).ToArray()));

        await Infer(model, request);

        var sum = request.Outputs[0];
        Assert.Equal("OUTPUT0", sum.Name);
        Assert.Equal(DataType.Bytes, sum.DataType);
        Assert.Equal(TensorData.Strings(Enumerable.Range(1, 16).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()), sum.Data.ToArray());
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_FixedShapeModel_RunsWithoutBatchDimension()
    {
        var model = _fixture.Model("fixed");
        var values = new[] { 1f, 2f, 3f, -4f, 0.5f, 1e-3f };
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], TensorData.Bytes(values));
        var inferences = model.Statistics.InferenceCount;

        await Infer(model, request);

        var output = Assert.Single(request.Outputs.ToArray());
        Assert.Equal([2L, 3L], output.Shape.ToArray());
        Assert.Equal(TensorData.Bytes(values.Select(v => v + v).ToArray()), output.Data.ToArray());
        Assert.Equal(inferences + 1, model.Statistics.InferenceCount);
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_InvalidRequest_FailsBeforeExecutionAndCountsFailure()
    {
        var model = _fixture.Model("fixed");
        var executions = model.Statistics.ExecutionCount;
        var failures = model.Statistics.Fail.Count;
        var request = new InferenceRequest();
        AddInput(request, "INPUT0", DataType.Fp32, [2, 3], new byte[23]);

        await model.InferAsync(request).WithTimeout();

        Assert.Equal(InferenceErrorCode.InvalidArgument, request.Error.Code);
        Assert.Contains("'INPUT0'", request.Error.Message, StringComparison.Ordinal);
        Assert.Empty(request.Outputs.ToArray());
        Assert.Equal(executions, model.Statistics.ExecutionCount);
        Assert.Equal(failures + 1, model.Statistics.Fail.Count);
        request.TryReset();
    }

    [Fact]
    public async Task InferAsync_ConcurrentRequests_GatheredIntoOneBatchEachGetsItsOwnRows()
    {
        var model = _fixture.Model("simple_batched");
        var executions = model.Statistics.ExecutionCount;
        var requests = new InferenceRequest[ExecutionRepositoryFixture.BatchedRows];
        var inputs = new int[requests.Length][];
        for (var r = 0; r < requests.Length; r++)
        {
            inputs[r] = Enumerable.Range(r * 100, 16).ToArray();
            requests[r] = new InferenceRequest();
            AddInput(requests[r], "INPUT0", DataType.Int32, [1, 16], TensorData.Bytes(inputs[r]));
            AddInput(requests[r], "INPUT1", DataType.Int32, [1, 16], TensorData.Bytes(Enumerable.Repeat(r, 16).ToArray()));
        }

        // The queue delay is ten minutes on a clock that does not move: only a full batch runs.
        await Task.WhenAll(requests.Select(r => model.InferAsync(r).AsTask())).WithTimeout();

        Assert.Equal(executions + 1, model.Statistics.ExecutionCount);
        for (var r = 0; r < requests.Length; r++)
        {
            Assert.False(requests[r].Error.IsError, requests[r].Error.Message);
            var outputs = requests[r].Outputs.ToArray();
            Assert.Equal(TensorData.Bytes(inputs[r].Select(x => x + r).ToArray()), outputs[0].Data.ToArray());
            Assert.Equal(TensorData.Bytes(inputs[r].Select(x => x - r).ToArray()), outputs[1].Data.ToArray());
            Assert.Equal([1L, 16L], outputs[0].Shape.ToArray());
            requests[r].TryReset();
        }
    }
}
