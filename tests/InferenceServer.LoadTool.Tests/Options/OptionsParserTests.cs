using InferenceServer.LoadTool.Options;

namespace InferenceServer.LoadTool.Tests.Options;

public class OptionsParserTests
{
    [Fact]
    public void TryParse_PerfAnalyzerFlags_FillEveryOption()
    {
        var ok = OptionsParser.TryParse(
            [
                "-m", "simple", "-x", "2", "-u", "10.0.0.1:9000", "-i", "grpc", "--concurrency-range", "1:8:2",
                "--input-data", "zero", "--shape", "INPUT0:3,4", "-b", "4", "-p", "2500", "--percentile=95",
                "-s", "5", "--max-trials", "6", "-f", "out.csv", "--json-file", "out.json", "--max-threads", "32",
                "--string-length", "8", "--seed", "11", "--request-timeout-secs", "2.5",
            ],
            out var options,
            out var error);

        Assert.True(ok, error);
        Assert.Equal("simple", options!.Model);
        Assert.Equal("2", options.ModelVersion);
        Assert.Equal(Protocol.Grpc, options.Protocol);
        Assert.Equal(new Uri("http://10.0.0.1:9000/"), options.ServerUri());
        Assert.Equal([1.0, 3, 5, 7], options.ConcurrencyRange!.Value.Values());
        Assert.Equal(InputDataKind.Zero, options.InputData);
        Assert.Equal([3L, 4], options.Shapes["INPUT0"]);
        Assert.Equal(4, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.MeasurementInterval);
        Assert.Equal(95, options.StabilityPercentile);
        Assert.Equal(5, options.StabilityPercent);
        Assert.Equal(6, options.MaxTrials);
        Assert.Equal("out.csv", options.CsvFile);
        Assert.Equal("out.json", options.JsonFile);
        Assert.Equal(32, options.MaxInFlight);
        Assert.Equal(8, options.StringLength);
        Assert.Equal(11, options.Seed);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.RequestTimeout);
        Assert.Equal([LoadLevel.Concurrency(1), LoadLevel.Concurrency(3), LoadLevel.Concurrency(5), LoadLevel.Concurrency(7)], options.Levels());
    }

    [Fact]
    public void TryParse_OnlyAModel_TakesPerfAnalyzerDefaults()
    {
        Assert.True(OptionsParser.TryParse(["-m", "simple"], out var options, out _));

        Assert.Equal(Protocol.Http, options!.Protocol);
        Assert.Equal(TensorEncoding.Binary, options.Encoding);
        Assert.Equal(new Uri("http://localhost:8000/"), options.ServerUri());
        Assert.Equal([LoadLevel.Concurrency(1)], options.Levels());
        Assert.Equal(TimeSpan.FromSeconds(5), options.MeasurementInterval);
        Assert.Equal(10, options.StabilityPercent);
        Assert.Equal(10, options.MaxTrials);
        Assert.Null(options.Duration);
        Assert.Equal(InputDataKind.Random, options.InputData);
    }

    [Fact]
    public void TryParse_GrpcWithoutUrl_DefaultsToPort8001()
    {
        Assert.True(OptionsParser.TryParse(["-m", "simple", "--protocol", "grpc"], out var options, out _));

        Assert.Equal(new Uri("http://localhost:8001/"), options!.ServerUri());
    }

    [Fact]
    public void TryParse_RequestRateRange_IsOpenLoopWithFractionalRates()
    {
        Assert.True(OptionsParser.TryParse(["-m", "m", "--request-rate-range", "0.5:1.5:0.5", "--request-distribution", "poisson", "--json-tensors", "--duration-secs", "3", "--input-data", "data.json"], out var options, out _));

        Assert.Equal([LoadLevel.Rate(0.5), LoadLevel.Rate(1.0), LoadLevel.Rate(1.5)], options!.Levels());
        Assert.Equal(RequestDistribution.Poisson, options.Distribution);
        Assert.Equal(TensorEncoding.Json, options.Encoding);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Duration);
        Assert.Equal(InputDataKind.File, options.InputData);
        Assert.Equal("data.json", options.InputDataFile);
    }

    [Theory]
    [InlineData(new[] { "--concurrency-range", "2" }, "-m MODEL is required")]
    [InlineData(new[] { "-m", "a", "--concurrency-range", "1:2", "--request-rate-range", "10" }, "exclusive")]
    [InlineData(new[] { "-m", "a", "-i", "tcp" }, "not http or grpc")]
    [InlineData(new[] { "-m", "a", "--concurrency-range", "1.5" }, "whole number")]
    [InlineData(new[] { "-m", "a", "--concurrency-range", "4:2" }, "START <= END")]
    [InlineData(new[] { "-m", "a", "--request-rate-range", "0" }, "0 < START")]
    [InlineData(new[] { "-m", "a", "--shape", "INPUT0" }, "NAME:D1,D2")]
    [InlineData(new[] { "-m", "a", "--shape", "INPUT0:3,x" }, "'x' is not a dimension")]
    [InlineData(new[] { "-m", "a", "-b", "0" }, "-b '0'")]
    [InlineData(new[] { "-m", "a", "--percentile", "100" }, "between 0 and 100")]
    [InlineData(new[] { "-m", "a", "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-m" }, "-m needs a value")]
    public void TryParse_BadCommandLine_SaysWhy(string[] args, string expected)
    {
        Assert.False(OptionsParser.TryParse(args, out var options, out var error));

        Assert.Null(options);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_Help_ReturnsFalseWithoutError()
    {
        Assert.False(OptionsParser.TryParse(["-m", "x", "--help"], out var options, out var error));

        Assert.Null(options);
        Assert.Empty(error);
    }

    [Theory]
    [InlineData("1:8:2", new[] { 1.0, 3, 5, 7 })]
    [InlineData("4", new[] { 4.0 })]
    [InlineData("2:4", new[] { 2.0, 3, 4 })]
    [InlineData("0.1:0.3:0.1", new[] { 0.1, 0.2, 0.3 })]
    public void LoadRange_Values_RunFromStartToEndInclusive(string text, double[] expected)
    {
        Assert.True(LoadRange.TryParse(text, integral: false, out var range, out _));

        Assert.Equal(expected, range.Values().Select(v => Math.Round(v, 9)));
    }
}
