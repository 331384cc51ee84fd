using InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Tracing;

/// <summary>
/// <c>--trace-config</c> as tritonserver spells it: values combine in order (levels accumulate), and a bad value stops
/// the server at start-up with a message naming the flag and the setting.
/// </summary>
public sealed class TraceConfigFlagTests
{
    [Theory]
    [InlineData("level=LOUD", "level")]
    [InlineData("rate=-1", "rate")]
    [InlineData("count=-2", "count")]
    [InlineData("mode=zipkin", "mode")]
    [InlineData("triton,log-frequency=x", "log-frequency")]
    [InlineData("triton,colour=red", "colour")]
    [InlineData("jaeger,url=http://x", "jaeger")]
    [InlineData("opentelemetry,url=ftp://collector", "url")]
    [InlineData("opentelemetry,protocol=thrift", "protocol")]
    [InlineData("opentelemetry,bsp_max_queue_size=0", "bsp_max_queue_size")]
    [InlineData("level=TIMESTAMPS", "trace_file")]
    [InlineData("rate", "--trace-config")]
    public void BadValue_RefusedNamingIt(string value, string named)
    {
        var options = Read($"--trace-config={value}", out var error);

        Assert.Null(options);
        Assert.Contains("--trace-config", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportBatchLargerThanQueue_Refused()
    {
        Assert.Null(Read("--trace-config=opentelemetry,bsp_max_export_batch_size=4096", out var error));
        Assert.Contains("bsp_max_queue_size", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_CombineInOrder_LevelsAccumulate()
    {
        var options = Read(["--trace-config=level=TIMESTAMPS", "--trace-config=level=TENSORS", "--trace-config=rate=7", "--trace-config=triton,file=trace.json"], out var error);

        Assert.Null(error);
        Assert.Null(Core.Tracing.TraceConfig.TryBuild(options!.TraceConfig, out var settings, out var openTelemetry));
        Assert.Equal(Core.Tracing.TraceLevel.Timestamps | Core.Tracing.TraceLevel.Tensors, settings.Level);
        Assert.Equal(7, settings.Rate);
        Assert.Equal(Path.GetFullPath("trace.json"), settings.File);
        Assert.Equal("http://localhost:4318/v1/traces", openTelemetry.Url);
    }

    private static ServerOptions? Read(string flag, out string? error) => Read([flag], out error);

    private static ServerOptions? Read(string[] flags, out string? error) =>
        ServerOptionsReader.Read(["--model-repository=/models", .. flags], new ConfigurationBuilder().Build(), _ => null, out error);
}
