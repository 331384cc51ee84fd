using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using InferenceServer.Benchmarks.Infrastructure;
using InferenceServer.Core.Inference;
using InferenceServer.Core.Inference.Pipeline;
using InferenceServer.Core.Models;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using InferenceServer.Protocols.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace InferenceServer.Benchmarks.Telemetry;

/// <summary>
/// <c>--profiling-cost [ROUNDS]</c>: what the telemetry sketches (latency sketches, input and output profiles for drift)
/// cost a request, in process, where this VM's end-to-end spread (±10–30 % between rounds) cannot resolve the 2.8 %
/// budget. The whole HTTP handler serves <c>fraud_detector</c> (30 FP32 features, one row per request, binary tensors,
/// no batching delay) as <c>perf/telemetry/run.sh</c> does, every request's after-steps (where profiles are updated)
/// waited for. Three servers alternate in shuffled rounds so a host whose speed moves moves them alike: sketches off
/// (a request with nothing to do after its answer is released at once), sketches off with an after-step that does
/// nothing (so the request's after-steps are queued as a work item, as sketches make them), and sketches on. The middle
/// one splits the cost into the work-item hop and the sketches' own work. Prints each mode's median time per request
/// and the median of its per-round ratio to off.
/// </summary>
internal static partial class ProfilingCostProbe
{
    public const string Flag = "--profiling-cost";

    private const int RequestsPerRound = 4_000;

    public static void Run(int rounds)
    {
        var model = FraudWithoutDelay();
        (string Name, Mode Mode)[] modes =
        [
            ("off", new Mode(sketches: false, [], model)),
            ("off, after-steps queued", new Mode(sketches: false, [new NothingAfterAnswer()], model)),
            ("on", new Mode(sketches: true, [], model)),
        ];
        try
        {
            foreach (var (_, mode) in modes)
            {
                mode.Measure(RequestsPerRound);
            }

            var times = modes.Select(_ => new double[rounds]).ToArray();
            var random = new Random(11);
            for (var round = 0; round < rounds; round++)
            {
                foreach (var m in Enumerable.Range(0, modes.Length).OrderBy(_ => random.Next()))
                {
                    times[m][round] = modes[m].Mode.Measure(RequestsPerRound);
                }
            }

            Console.WriteLine($"Telemetry sketches on the HTTP handler (fraud_detector, binary tensors, after-steps included), {rounds} rounds of "
                + $"{RequestsPerRound} requests per mode, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm}Z");
            Console.WriteLine("| sketches | median µs per request | median per-round ratio to off | ratios' 25th–75th percentile |");
            Console.WriteLine("|---|---:|---:|---:|");
            for (var m = 0; m < modes.Length; m++)
            {
                var ratios = Enumerable.Range(0, rounds).Select(r => times[m][r] / times[0][r]).Order().ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {modes[m].Name} | {RoundStatistics.Median([.. times[m].Order()]):F2} | {RoundStatistics.Median(ratios):F3} | {ratios[rounds / 4]:F3}–{ratios[(rounds * 3) / 4]:F3} |"));
            }
        }
        finally
        {
            foreach (var (_, mode) in modes)
            {
                mode.Dispose();
            }
        }
    }

    // The sample's fraud_detector with max_queue_delay 0, as perf/telemetry/run.sh serves it: the CPU, not the timer, sets the pace.
    private static SampleModel FraudWithoutDelay()
    {
        var sample = SampleRepositoryWriter.CreateSamples().Single(m => m.Name == SampleModelNames.FraudDetector);
        return new SampleModel(sample.Name, QueueDelay().Replace(sample.Config, "max_queue_delay_microseconds: 0"), sample.Onnx);
    }


    [GeneratedRegex(@"max_queue_delay_microseconds: \d+")]
    private static partial Regex QueueDelay();

    private sealed class Mode : IDisposable
    {
        private readonly BenchmarkServer _server;
        private readonly KServeHttpHandler _handler;
        private readonly InProcessHttpConnection _connection;

        public Mode(bool sketches, IReadOnlyList<IAnsweredRequestHook> hooks, SampleModel model)
        {
            _server = new BenchmarkServer(sketches, hooks, model);
            _handler = new KServeHttpHandler(_server.Context, NullLogger<KServeHttpHandler>.Instance);
            var header = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                $$$"""{"inputs":[{"name":"{{{SampleModelNames.FraudFeatures}}}","shape":[1,{{{SampleModels.FraudFeatureCount}}}],"datatype":"FP32","parameters":{"binary_data_size":{{{SampleModels.FraudFeatureCount * 4}}}}}],"parameters":{"binary_data_output":true}}"""));
            var features = new byte[SampleModels.FraudFeatureCount * 4];
            var random = new Random(3);
            for (var i = 0; i < SampleModels.FraudFeatureCount; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(features.AsSpan(i * 4), (float)((random.NextDouble() * 6) - 3));
            }

            _connection = new InProcessHttpConnection($"/v2/models/{SampleModelNames.FraudDetector}/infer", header.Concat(features).ToArray(), header.Length);
        }

        /// <summary>Microseconds per request over <paramref name="requests"/> requests, after-steps included.</summary>
        public double Measure(int requests)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < requests; i++)
            {
                _connection.NextRequest();
                _handler.HandleAsync(_connection.Context).GetAwaiter().GetResult();
                if (_connection.StatusCode != 200)
                {
                    throw new InvalidOperationException($"the handler answered {_connection.StatusCode}");
                }

                if (i % 16 == 15)
                {
                    _server.Context.Pipeline.AfterStepsSettledAsync().GetAwaiter().GetResult();
                }
            }

            _server.Context.Pipeline.AfterStepsSettledAsync().GetAwaiter().GetResult();
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / requests;
        }

        public void Dispose() => _server.Dispose();
    }

    private sealed class NothingAfterAnswer : IAnsweredRequestHook
    {
        public void OnAnswered(ModelVersion version, InferenceRequest request, RequestOutcome outcome)
        {
        }
    }
}
