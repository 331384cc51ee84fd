using BenchmarkDotNet.Attributes;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Models;
using InferenceServer.Core.Tracing;
using Microsoft.AspNetCore.Http;
using TraceLevel = InferenceServer.Core.Tracing.TraceLevel;

namespace InferenceServer.Benchmarks.Tracing;

/// <summary>
/// What OpenTelemetry mode at rate 1/1000 adds to a request it does not trace, piece by piece, without the request
/// around it (whose own noise hides a few tens of nanoseconds): the front end's look for a <c>traceparent</c> header
/// among a request's usual headers, and the pipeline's sampling decision (<see cref="RequestTracer.TryStart"/>), which
/// returns null 999 times in 1,000 (the 1,000th starts a trace, whose span work <see cref="TracingCostBenchmarks"/>
/// measures at rate 1/1). Per-request cost at 1/1000 ≈ these two + (cost at 1/1 − off) / 1,000.
/// </summary>
[MemoryDiagnoser]
public class TraceDecisionBenchmarks
{
    private const int Decisions = 1000;

    private BenchmarkServer _server = null!;
    private RequestTracer _tracer = null!;
    private ModelVersion _model = null!;
    private RequestHead _head;
    private HeaderDictionary _headers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = new BenchmarkServer(BenchmarkModels.Simple());
        _model = _server.Model("simple");
        _tracer = new RequestTracer(new TraceSettings(TraceLevel.Timestamps, 1000, -1, 0, "", TraceMode.OpenTelemetry), new TraceFilePolicy(""));
        _head = new RequestHead("simple".AsMemory(), ReadOnlyMemory<char>.Empty, null, 0);
        _headers = new HeaderDictionary
        {
            ["Host"] = "127.0.0.1:8000",
            ["Content-Type"] = "application/octet-stream",
            ["Content-Length"] = "256",
            ["Inference-Header-Content-Length"] = "128",
            ["Accept-Encoding"] = "gzip",
            ["User-Agent"] = "bench",
        };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracer.Dispose();
        _server.Dispose();
    }

    /// <summary>The HTTP front end's check for the caller's trace context on a request that carries none.</summary>
    [Benchmark(OperationsPerInvoke = Decisions)]
    public bool LookForTraceParent()
    {
        var found = false;
        for (var i = 0; i < Decisions; i++)
        {
            found |= _tracer.ReadsTraceContext && _headers.TryGetValue("traceparent", out _);
        }

        return found;
    }

    /// <summary>1,000 sampling decisions at rate 1/1000: 999 untraced, one trace started (and dropped here).</summary>
    [Benchmark(OperationsPerInvoke = Decisions)]
    public int Decide()
    {
        var traced = 0;
        for (var i = 0; i < Decisions; i++)
        {
            if (_tracer.Enabled && _tracer.TryStart(_model, _head) is not null)
            {
                traced++;
            }
        }

        return traced;
    }
}
