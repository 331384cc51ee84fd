using System.Text;
using InferenceServer.LoadTool.Options;
using InferenceServer.LoadTool.Scenarios;
using InferenceServer.LoadTool.Thresholds;

namespace InferenceServer.LoadTool.Tests.Scenarios;

public class ScenarioParserTests
{
    private static readonly LoadOptions Defaults = new() { Url = "127.0.0.1:9000", MeasurementInterval = TimeSpan.FromSeconds(2) };

    [Fact]
    public void Parse_PrimaryAndCanary_ResolvesEveryStepFromStepThenScenarioThenFlags()
    {
        var scenarios = Parse("""
            {
              // a primary and a canary, side by side
              "scenarios": [
                {
                  "name": "primary", "model": "simple", "thresholds": ["p99 < 20ms", "error_rate < 0.01"],
                  "steps": [
                    { "concurrency": 4, "duration_secs": 5 },
                    { "name": "poisson", "rate": 200, "distribution": "poisson", "duration_secs": 10, "thresholds": ["throughput > 150"] },
                    { "ramp": { "from": 100, "to": 400 }, "duration_secs": 10, "protocol": "grpc", "url": "127.0.0.1:9001" },
                  ],
                },
                { "name": "canary", "model": "simple_v2", "tensors": "json", "steps": [{ "rate": 20, "duration_secs": 25 }] },
              ],
            }
            """);

        Assert.Equal(["primary", "canary"], scenarios.Select(s => s.Name));
        var primary = scenarios[0];
        Assert.Equal(["p99 < 20ms", "error_rate < 0.01"], primary.Thresholds.Select(t => t.Text));
        Assert.Equal(["step 1", "poisson", "step 3"], primary.Steps.Select(s => s.Name));
        Assert.Equal(LoadLevel.Concurrency(4), primary.Steps[0].Level);
        Assert.Equal(TimeSpan.FromSeconds(5), primary.Steps[0].Options.Duration);
        Assert.Equal("127.0.0.1:9000", primary.Steps[0].Options.Url);
        Assert.Equal(TimeSpan.FromSeconds(2), primary.Steps[0].Options.MeasurementInterval);
        Assert.Equal(RequestDistribution.Poisson, primary.Steps[1].Options.Distribution);
        Assert.Equal(ThresholdMetric.Throughput, Assert.Single(primary.Steps[1].Thresholds).Metric);
        Assert.Equal(LoadLevel.Ramp(100, 400), primary.Steps[2].Level);
        Assert.Equal(Protocol.Grpc, primary.Steps[2].Options.Protocol);
        Assert.Equal("127.0.0.1:9001", primary.Steps[2].Options.Url);
        var canary = Assert.Single(scenarios[1].Steps);
        Assert.Equal("simple_v2", canary.Options.Model);
        Assert.Equal(TensorEncoding.Json, canary.Options.Encoding);
        Assert.Equal(Protocol.Http, canary.Options.Protocol);
    }

    [Fact]
    public void Parse_FlagThresholds_ApplyToEachScenarioAsAWhole()
    {
        Assert.True(Threshold.TryParse("p99 < 5ms", out var flag, out _));

        var scenario = Assert.Single(ScenarioParser.Parse(
            """{"scenarios": [{"model": "m", "thresholds": ["errors < 1"], "steps": [{"concurrency": 1, "duration_secs": 1}]}]}"""u8,
            "run.json",
            Defaults with { Thresholds = [flag!] }));

        Assert.Equal(["p99 < 5ms", "errors < 1"], scenario.Thresholds.Select(t => t.Text));
        Assert.Empty(scenario.Steps[0].Options.Thresholds);
    }

    [Theory]
    [InlineData("""
        {"scenarios": [
          {"model": "m", "steps": [
            {"concurrency": 1, "duration_secs": 1},
            {"rate": "fast", "duration_secs": 1}
          ]}
        ]}
        """, "run.json:4: $.scenarios[0].steps[1].rate: expected a number")]
    [InlineData("""
        {"scenarios": [
          {"model": "m", "steps": [
            {"concurency": 1, "duration_secs": 1}
          ]}
        ]}
        """, "run.json:3: $.scenarios[0].steps[0].concurency: unknown field 'concurency'")]
    [InlineData("""
        {"scenarios": [
          {"model": "m", "steps": [{"concurrency": 1, "duration_secs": 1}]
        ]}
        """, "run.json:3: ")]
    public void Parse_SyntaxOrTypeError_NamesFileLineAndPath(string json, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Parse(json));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"scenarios": []}""", "run.json: $.scenarios: at least one scenario")]
    [InlineData("""{"scenarios": [{"model": "m", "steps": [{"concurrency": 1}]}]}""", "run.json: $.scenarios[0].steps[0].duration_secs: every step needs a duration")]
    [InlineData("""{"scenarios": [{"model": "m", "steps": [{"concurrency": 1, "rate": 5, "duration_secs": 1}]}]}""", "run.json: $.scenarios[0].steps[0]: a step needs exactly one of concurrency, rate or ramp")]
    [InlineData("""{"scenarios": [{"steps": [{"concurrency": 1, "duration_secs": 1}]}]}""", "run.json: $.scenarios[0].steps[0].model: no model")]
    [InlineData("""{"scenarios": [{"model": "m", "steps": [{"rate": 1, "duration_secs": 1}, {"rate": 1, "duration_secs": 1, "protocol": "udp"}]}]}""", "run.json: $.scenarios[0].steps[1].protocol: 'udp' is not http or grpc")]
    [InlineData("""{"scenarios": [{"model": "m", "thresholds": ["p99 < 1ms", "p99 < soon"], "steps": [{"rate": 1, "duration_secs": 1}]}]}""", "run.json: $.scenarios[0].thresholds[1]: threshold 'p99 < soon'")]
    [InlineData("""{"scenarios": [{"model": "m", "steps": [{"ramp": {"to": 0}, "duration_secs": 1}]}]}""", "run.json: $.scenarios[0].steps[0].ramp.from: ")]
    [InlineData("""{"scenarios": [{"name": "a", "model": "m", "steps": [{"rate": 1, "duration_secs": 1}]}, {"name": "a", "model": "m", "steps": [{"rate": 1, "duration_secs": 1}]}]}""", "run.json: $.scenarios: two scenarios are named 'a'")]
    public void Parse_ValueThatCannotRun_NamesTheJsonPath(string json, string expected)
    {
        var error = Assert.Throws<ScenarioException>(() => Parse(json));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<Scenario> Parse(string json) => ScenarioParser.Parse(Encoding.UTF8.GetBytes(json), "run.json", Defaults);
}
