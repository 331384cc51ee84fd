using InferenceServer.Core.Models.Repository;
using InferenceServer.ModelBuilder.Repository;
using InferenceServer.ModelBuilder.Samples;
using Microsoft.Extensions.Time.Testing;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A <see cref="TestServer"/> in <c>--model-control-mode=poll</c> serving <c>simple</c> (version 1), on a clock only
/// the test moves: each poll is one <see cref="Interval"/> of the clock, awaited through the poller's own completion signal.
/// </summary>
internal static class PollingServer
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private static readonly byte[] SimpleOnnx =
        SampleRepositoryWriter.CreateSamples().Single(s => s.Name == SampleModelNames.Simple).Onnx;

    /// <param name="more">Writes more models into the repository beside <c>simple</c>.</param>
    public static async Task<(TestServer Server, FakeTimeProvider Time)> StartAsync(Action<string>? more = null)
    {
        var time = new FakeTimeProvider();
        var server = await TestServer.StartAsync(
            root =>
            {
                SampleRepositoryWriter.WriteModel(root, "simple", SimpleOnnx, "name: \"simple\"\nmax_batch_size: 8\n");
                more?.Invoke(root);
            },
            options =>
            {
                options.ModelControlMode = ModelControlMode.Poll;
                options.RepositoryPollInterval = Interval;
            },
            time);
        return (server, time);
    }

    /// <summary>Moves the clock on by <see cref="Interval"/> <paramref name="times"/> times, each time until the poll it starts has finished.</summary>
    public static async Task PollAsync(TestServer server, FakeTimeProvider time, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            var polled = server.Poller.NextPollAsync();
            time.Advance(Interval);
            await polled.WaitAsync(TestTimeouts.Server);
        }
    }
}
