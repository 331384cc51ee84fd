using System.Globalization;
using InferenceServer.LoadTool.Measurement;
using InferenceServer.LoadTool.Options;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>
/// The live progress line. On a terminal one line is rewritten in place (<c>\r</c>) every second; each closed
/// window and finished step leaves a line behind. Redirected, only the window and step lines are written.
/// </summary>
internal sealed class ConsoleProgress(TextWriter writer, bool rewriteInPlace) : ILoadProgress
{
    private int _liveLength;

    public void Running(LoadLevel level, TimeSpan elapsed, long successes, long errors)
    {
        if (!rewriteInPlace)
        {
            return;
        }

        var rate = elapsed > TimeSpan.Zero ? successes / elapsed.TotalSeconds : 0;
        Live(Invariant($"  {level}: {elapsed.TotalSeconds:0}s, {successes} ok, {errors} errors, {rate:0} req/s so far"));
    }

    public void WindowClosed(LoadLevel level, int window, WindowResult result, bool stable)
    {
        Line(Invariant(
            $"  {level}: window {window}: {result.RequestsPerSecond:0.0} req/s, avg {result.Latency.MeanNanoseconds / 1000:0} us, p99 {result.Latency.ValueAtPercentile(99) / 1000.0:0} us, {result.ErrorCount} errors{(stable ? ", stable" : "")}"));
    }

    public void StepFinished(LoadLevel level, StepReport step)
    {
        Line(Invariant(
            $"{level}: {step.RequestsPerSecond:0.0} req/s, p50 {step.Latency.P50Us:0} us, p99 {step.Latency.P99Us:0} us, server queue {step.Server.QueueUs:0} us, compute {step.Server.ComputeInputUs + step.Server.ComputeInferUs + step.Server.ComputeOutputUs:0} us{(step.Stable || step.FixedDuration ? "" : " (not stable)")}"));
    }

    private void Live(string text)
    {
        writer.Write('\r' + text.PadRight(_liveLength));
        _liveLength = text.Length;
        writer.Flush();
    }

    private void Line(string text)
    {
        if (rewriteInPlace && _liveLength > 0)
        {
            writer.Write('\r' + new string(' ', _liveLength) + '\r');
            _liveLength = 0;
        }

        writer.WriteLine(text);
        writer.Flush();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
