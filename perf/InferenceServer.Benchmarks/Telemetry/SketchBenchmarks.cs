using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Memory;
using InferenceServer.Core.Models;
using InferenceServer.Core.Telemetry.Latency;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Core.Telemetry.Sketches;
using InferenceServer.Core.Tensors;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;

namespace InferenceServer.Benchmarks.Telemetry;

/// <summary>
/// The sketch updates a request pays for once it has been answered: one value into a DDSketch (latency), a KLL
/// sketch and a feature sketch (moments + KLL, the drift profiles), a request's two latency observations into the
/// version's striped <see cref="LatencySketches"/>, and a whole <c>fraud_detector</c> request (30 FP32 features in,
/// 2 probabilities out) into its <see cref="VersionProfile"/>. The single-value benchmarks add
/// <see cref="ValuesPerInvoke"/> latencies drawn once from a log-normal around 60 µs, so KLL's compactions are
/// averaged in; every number is per value or per request.
/// </summary>
[MemoryDiagnoser]
public class SketchBenchmarks
{
    private const int ValuesPerInvoke = 1024;
    private const int Samples = 4096;

    private readonly double[] _values = new double[Samples];
    private readonly DDSketch _ddSketch = new();
    private readonly KllSketch _kll = new(KllSketch.DefaultK, new Random(7));
    private readonly FeatureSketch _feature = new();
    private readonly LatencySketches _latency = new(TimeProvider.System);
    private BenchmarkServer _server = null!;
    private VersionProfile _profile = null!;
    private InferenceRequest _answered = null!;
    private PinnedBuffer _features = null!;
    private int _offset;
    private int _request;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (var i = 0; i < Samples; i++)
        {
            // Box–Muller: exp(N(ln 60, 0.5)) microseconds.
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            _values[i] = Math.Exp(Math.Log(60) + (0.5 * normal));
        }

        _server = new BenchmarkServer(SampleRepositoryWriter.CreateSamples().Single(m => m.Name == SampleModelNames.FraudDetector));
        var model = _server.Model(SampleModelNames.FraudDetector);
        _answered = Answer(model, random);
        _profile = new VersionProfile(model.Signature, new ProfileOptions(), TimeProvider.System);

        // Past the reference freeze (the request that reaches ReferenceRequests merges every stripe once),
        // and every sketch past its first value (a KLL sketch is made on its feature's first finite value).
        for (var i = 0; i <= _profile.Options.ReferenceRequests; i++)
        {
            ProfileObserve();
        }

        if (_profile.Reference is null)
        {
            throw new InvalidOperationException("the profile did not freeze its reference");
        }

        DDSketchAdd();
        KllAdd();
        FeatureSketchAdd();
        LatencyRecordRequest();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.Context.Requests.Return(_answered);
        _features.Dispose();
        _server.Dispose();
    }

    /// <summary>One latency into a DDSketch (1 % relative accuracy, dense collapsing stores).</summary>
    [Benchmark(OperationsPerInvoke = ValuesPerInvoke)]
    public void DDSketchAdd()
    {
        var values = NextValues();
        foreach (var value in values)
        {
            _ddSketch.Add(value);
        }
    }

    /// <summary>One value into a KLL sketch (k = 200), compactions included.</summary>
    [Benchmark(OperationsPerInvoke = ValuesPerInvoke)]
    public void KllAdd()
    {
        var values = NextValues();
        foreach (var value in values)
        {
            _kll.Add(value);
        }
    }

    /// <summary>One value into a drift feature sketch: running moments and its KLL sketch.</summary>
    [Benchmark(OperationsPerInvoke = ValuesPerInvoke)]
    public void FeatureSketchAdd()
    {
        var values = NextValues();
        foreach (var value in values)
        {
            _feature.Add(value);
        }
    }

    /// <summary>A request's total and queue latency into the version's latency sketches: clock, stripe lock, 4 DDSketch adds.</summary>
    [Benchmark]
    public void LatencyRecordRequest()
    {
        var request = _request = (_request + 1) & (Samples - 1);
        _latency.RecordRequest((long)(_values[request] * 1000), (long)(_values[request ^ 1] * 100));
    }

    /// <summary>A <c>fraud_detector</c> request's 30 inputs and 2 outputs into the version's profile (one stripe lock, 32 feature sketches).</summary>
    [Benchmark]
    public void ProfileObserve() => _profile.Observe(_answered);

    private ReadOnlySpan<double> NextValues()
    {
        var offset = _offset = (_offset + ValuesPerInvoke) & (Samples - 1);
        return _values.AsSpan(offset, ValuesPerInvoke);
    }

    // One row through the real model, so the profile sees the outputs it would see in the server.
    private InferenceRequest Answer(ModelVersion model, Random random)
    {
        var spec = model.Signature.Inputs[0];
        _features = _server.Buffers.Rent(SampleModels.FraudFeatureCount * sizeof(float));
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_features.Span);
        for (var i = 0; i < SampleModels.FraudFeatureCount; i++)
        {
            values[i] = (float)random.NextDouble();
        }

        var request = _server.Context.Requests.Rent();
        InferenceRequest.SetInputData(request.AddInput(spec.Name, DataType.Fp32, TensorShape.Create([1, SampleModels.FraudFeatureCount]), spec), _features.Memory);
        model.InferAsync(request).AsTask().GetAwaiter().GetResult();
        return request.Error.IsError || request.Outputs.Length == 0
            ? throw new InvalidOperationException($"fraud_detector failed: {request.Error.Message}")
            : request;
    }
}
