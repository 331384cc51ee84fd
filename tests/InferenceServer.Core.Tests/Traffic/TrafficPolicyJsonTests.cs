using System.Buffers;
using System.Text;
using System.Text.Json;
using InferenceServer.Core.Traffic;

namespace InferenceServer.Core.Tests.Traffic;

public class TrafficPolicyJsonTests
{
    private const string Documented = """
        {
          "weights": { "1": 90, "2": 10 },
          "shadow": [ { "version": "3", "percent": 25, "queue_size": 64 } ],
          "rollback": { "canary": "2", "max_error_rate": 0.05, "max_p99_ratio": 2.0, "window_seconds": 60, "min_requests": 100 }
        }
        """;

    [Fact]
    public void TryParse_DocumentedExample_ReadsEveryField()
    {
        var policy = Parse(Documented);

        Assert.Equal<VersionWeight>([new VersionWeight(1, 90), new VersionWeight(2, 10)], policy.Weights);
        Assert.Equal<ShadowTarget>([new ShadowTarget(3, 25, 64)], policy.Shadows);
        Assert.Equal(
            new RollbackPolicy(2) { MaxErrorRate = 0.05, MaxP99Ratio = 2.0, WindowSeconds = 60, MinRequests = 100 },
            policy.Rollback);
        Assert.Equal<long>([1L, 2L, 3L], policy.Versions);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{ "weights": {} }""")]
    [InlineData("""{ "weights": null, "shadow": null, "rollback": null }""")]
    [InlineData("""{ "shadow": [] }""")]
    public void TryParse_NothingSet_IsNone(string json)
    {
        var policy = Parse(json);

        Assert.Equal(TrafficPolicy.None, policy);
        Assert.False(policy.HasCanary);
        Assert.Empty(policy.Versions);
    }

    [Fact]
    public void TryParse_DefaultsLeftOut_TakesDocumentedDefaults()
    {
        var policy = Parse("""
            { "weights": { "1": 1, "2": 1 }, "shadow": [ { "version": "3", "percent": 0.5 } ],
              "rollback": { "canary": "2", "max_p99_ratio": 1.5 } }
            """);

        Assert.Equal(ShadowTarget.DefaultQueueSize, policy.Shadows[0].QueueSize);
        Assert.Equal(RollbackPolicy.DefaultWindowSeconds, policy.Rollback!.WindowSeconds);
        Assert.Equal(RollbackPolicy.DefaultMinRequests, policy.Rollback.MinRequests);
        Assert.Null(policy.Rollback.MaxErrorRate);
    }

    [Fact]
    public void TryParse_ByteOrderMark_IsSkipped()
    {
        var utf8 = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("""{ "weights": { "1": 1 } }""")).ToArray();

        Assert.True(TrafficPolicyJson.TryParse(utf8, out var policy, out var error), error);
        Assert.Equal(1, policy.WeightOf(1));
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    // Unknown fields are named.
    [InlineData("""{ "weight": {} }""", "\"weight\" is not a traffic policy field")]
    [InlineData("""{ "shadow": [ { "version": "3", "percentage": 5 } ] }""", "shadow[0].\"percentage\" is not a shadow field")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_errors": 1 } }""", "rollback.\"max_errors\" is not a rollback field")]
    // Versions are spelled like version folders.
    [InlineData("""{ "weights": { "x": 1 } }""", "weights.\"x\" must be a version: a positive integer")]
    [InlineData("""{ "weights": { "0": 1 } }""", "weights.\"0\" must be a version")]
    [InlineData("""{ "weights": { "01": 1 } }""", "weights.\"01\" must be a version")]
    [InlineData("""{ "weights": { "-1": 1 } }""", "weights.\"-1\" must be a version")]
    [InlineData("""{ "shadow": [ { "version": 3, "percent": 5 } ] }""", "shadow[0].version must be a version string such as \"3\", got 3")]
    [InlineData("""{ "shadow": [ { "version": "3a", "percent": 5 } ] }""", "shadow[0].version must be a version: a positive integer without leading zeros, got \"3a\"")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "two", "max_error_rate": 0.1 } }""", "rollback.canary must be a version")]
    // Weights.
    [InlineData("""{ "weights": { "1": -5 } }""", "weights.\"1\" must be an integer from 0 to 2147483647, got -5")]
    [InlineData("""{ "weights": { "1": 1.5 } }""", "weights.\"1\" must be an integer from 0 to 2147483647, got 1.5")]
    [InlineData("""{ "weights": { "1": "90" } }""", "weights.\"1\" must be an integer from 0 to 2147483647, got \"90\"")]
    [InlineData("""{ "weights": { "1": 3000000000 } }""", "weights.\"1\" must be an integer from 0 to 2147483647, got 3000000000")]
    [InlineData("""{ "weights": { "1": 0, "2": 0 } }""", "weights must give at least one version a weight above 0")]
    [InlineData("""{ "weights": { "1": 1, "1": 2 } }""", "weights.\"1\" is given twice")]
    [InlineData("""{ "weights": [ 1, 2 ] }""", "weights must be an object of version → weight")]
    // Shadows.
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 0 } ] }""", "shadow[0].percent must be in (0, 100], got 0")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 100.5 } ] }""", "shadow[0].percent must be in (0, 100], got 100.5")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": "5" } ] }""", "shadow[0].percent must be a number, got \"5\"")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 5, "queue_size": 0 } ] }""", "shadow[0].queue_size must be at least 1, got 0")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 5, "queue_size": 2.5 } ] }""", "shadow[0].queue_size must be an integer, got 2.5")]
    [InlineData("""{ "shadow": [ { "percent": 5 } ] }""", "shadow[0].version is required")]
    [InlineData("""{ "shadow": [ { "version": "3" } ] }""", "shadow[0].percent is required")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 5, "percent": 6 } ] }""", "shadow[0].percent is given twice")]
    [InlineData("""{ "shadow": [ { "version": "3", "percent": 5 }, { "version": "3", "percent": 6 } ] }""", "shadow[1].version \"3\" is already listed as shadow[0]")]
    [InlineData("""{ "shadow": [ { "version": "4", "percent": 5 }, 7 ] }""", "shadow[1] must be an object")]
    [InlineData("""{ "shadow": { "version": "3" } }""", "shadow must be an array")]
    [InlineData("""{ "weights": { "1": 9, "2": 1 }, "shadow": [ { "version": "2", "percent": 5 } ] }""", "shadow[0].version \"2\" has weight 1 in weights")]
    // Rollback.
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "max_error_rate": 0.1 } }""", "rollback.canary is required")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "3", "max_error_rate": 0.1 } }""", "rollback.canary \"3\" must be one of the versions in weights")]
    [InlineData("""{ "rollback": { "canary": "2", "max_error_rate": 0.1 } }""", "rollback.canary \"2\" must be one of the versions in weights")]
    [InlineData("""{ "weights": { "1": 0, "2": 1 }, "rollback": { "canary": "2", "max_error_rate": 0.1 } }""", "rollback.canary \"2\" needs another version with a weight above 0")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2" } }""", "rollback must set max_error_rate, max_p99_ratio or both")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_error_rate": 1.5 } }""", "rollback.max_error_rate must be in [0, 1], got 1.5")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_error_rate": -0.1 } }""", "rollback.max_error_rate must be in [0, 1], got -0.1")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_p99_ratio": 1 } }""", "rollback.max_p99_ratio must be a finite number greater than 1, got 1")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_p99_ratio": 2, "window_seconds": 0 } }""", "rollback.window_seconds must be at least 1, got 0")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_p99_ratio": 2, "min_requests": 0 } }""", "rollback.min_requests must be at least 1, got 0")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "max_p99_ratio": 2, "min_requests": true } }""", "rollback.min_requests must be an integer, got true")]
    [InlineData("""{ "weights": { "1": 1, "2": 1 }, "rollback": { "canary": "2", "canary": "1", "max_p99_ratio": 2 } }""", "rollback.canary is given twice")]
    [InlineData("""{ "rollback": [] }""", "rollback must be an object")]
    // The document itself.
    [InlineData("""{ "weights": {}, "weights": {} }""", "weights is given twice")]
    [InlineData("[]", "a traffic policy must be a JSON object, got an array")]
    [InlineData("  ", "the JSON text is empty")]
    public void TryParse_Invalid_ErrorNamesTheField(string json, string expected)
    {
        Assert.False(TrafficPolicyJson.TryParse(Encoding.UTF8.GetBytes(json), out var policy, out var error));

        Assert.Null(policy);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"weights\": { \"1\": 90, }\n}", "invalid JSON at line 1, column 25")]
    [InlineData("{\n  \"weights\": { \"1\": 90 }\n  \"shadow\": []\n}", "invalid JSON at line 3, column 3")]
    [InlineData("{ \"weights\": { \"1\": 90 } } {}", "invalid JSON at line 1, column 28")]
    [InlineData("{ \"weights\": { \"1\": 90 }", "invalid JSON at line 1, column 25")]
    [InlineData("{ // comment\n}", "invalid JSON at line 1, column 3")]
    public void TryParse_MalformedJson_ErrorGivesPosition(string json, string expected)
    {
        Assert.False(TrafficPolicyJson.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error));

        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_DocumentedExample_WritesCanonicalForm()
    {
        var written = Write(Parse(Documented));

        Assert.Equal(
            """{"weights":{"1":90,"2":10},"shadow":[{"version":"3","percent":25,"queue_size":64}],"rollback":{"canary":"2","max_error_rate":0.05,"max_p99_ratio":2,"window_seconds":60,"min_requests":100}}""",
            written);
    }

    [Fact]
    public void Write_None_WritesEmptyObject()
    {
        Assert.Equal("{}", Write(TrafficPolicy.None));
    }

    /// <summary>
    /// Invariant: for any valid policy p, TryParse(Write(p)) succeeds with a policy equal to p, and writing that
    /// again gives the same bytes (Write is canonical). Policies are drawn from a seeded generator covering
    /// every optional part, zero weights, fractional percents and large version numbers.
    /// </summary>
    [Fact]
    public void WriteThenParse_RandomPolicies_RoundTrips()
    {
        var random = new Random(20240611);
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var policy = RandomPolicy(random);
            var json = Write(policy);

            Assert.True(TrafficPolicyJson.TryParse(Encoding.UTF8.GetBytes(json), out var parsed, out var error), $"{json}: {error}");
            Assert.Equal(policy, parsed);
            Assert.Equal(json, Write(parsed));
        }
    }

    private static TrafficPolicy RandomPolicy(Random random)
    {
        var versions = Enumerable.Range(0, 8).Select(_ => random.Next(4) == 0 ? random.NextInt64(1, long.MaxValue) : random.Next(1, 20)).Distinct().ToArray();
        var weighted = versions.Take(random.Next(0, 4)).ToArray();
        var weights = weighted.Select(v => new VersionWeight(v, random.Next(3) == 0 ? 0 : random.Next(1, 1000))).ToList();
        if (weights.Count > 0 && weights.All(w => w.Weight == 0))
        {
            weights[0] = weights[0] with { Weight = 1 };
        }

        var shadows = versions.Skip(weighted.Length).Take(random.Next(0, 3))
            .Select(v => new ShadowTarget(v, random.Next(2) == 0 ? random.Next(1, 101) : 100 * (1 - random.NextDouble()), random.Next(1, 500)))
            .ToList();

        RollbackPolicy? rollback = null;
        var positive = weights.Count(w => w.Weight > 0);
        if (weights.Count >= 2 && positive >= 2 && random.Next(2) == 0)
        {
            var canary = weights[random.Next(weights.Count)];
            var errorRate = random.Next(3) == 0 ? (double?)null : random.NextDouble();
            rollback = new RollbackPolicy(canary.Version)
            {
                MaxErrorRate = errorRate,
                MaxP99Ratio = errorRate is null || random.Next(2) == 0 ? 1 + (random.NextDouble() * 5) + 1e-9 : null,
                WindowSeconds = random.Next(1, 3600),
                MinRequests = random.Next(1, 10_000),
            };
        }

        return TrafficPolicy.Create(weights, shadows, rollback);
    }

    private static TrafficPolicy Parse(string json)
    {
        Assert.True(TrafficPolicyJson.TryParse(Encoding.UTF8.GetBytes(json), out var policy, out var error), error);
        return policy;
    }

    private static string Write(TrafficPolicy policy)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            TrafficPolicyJson.Write(writer, policy);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
