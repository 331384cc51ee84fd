using System.Diagnostics;
using InferenceServer.FunctionalTests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// The shipped alerting rules: valid for Prometheus, tested by <c>promtool test rules</c> against synthetic series
/// (each alert fires on its condition and not before its <c>for</c>), and the same in the plain rules file and the
/// operator's PrometheusRule. The live path (the server's own series firing the missing-value alert in a real
/// Prometheus) is <c>Telemetry.DriftAlertTests</c>.
/// </summary>
public sealed class AlertRulesTests
{
    internal const string RulesFile = "deploy/prometheus/inference-server-rules.yaml";
    private const string RulesTestFile = "deploy/prometheus/inference-server-rules.test.yaml";
    private const string PrometheusRuleFile = "deploy/kubernetes/prometheusrule.yaml";

    [Fact]
    public async Task Rules_PassPromtoolCheckAndTheirUnitTests()
    {
        var check = await PromtoolAsync("check", "rules", RulesFile);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 5 rules found", check.Output, StringComparison.Ordinal);

        var test = await PromtoolAsync("test", "rules", RulesTestFile);
        Assert.True(test.ExitCode == 0, test.Output);
    }

    [Fact]
    public void PrometheusRule_HoldsTheSameGroupsAsTheRulesFile()
    {
        var plain = Root(RulesFile);
        var operatorRule = Root(PrometheusRuleFile);

        var groups = plain.Children[new YamlScalarNode("groups")];
        var spec = (YamlMappingNode)operatorRule.Children[new YamlScalarNode("spec")];
        Assert.Equal(YamlTree.ToYaml(groups), YamlTree.ToYaml(spec.Children[new YamlScalarNode("groups")]));
    }

    private static YamlMappingNode Root(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(DeployFiles.Read(file)));
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }

    /// <summary>Runs promtool (Debian's <c>prometheus</c> package) in the checkout's root, so rule paths resolve as in CI.</summary>
    internal static async Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(FindPromtool())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = DeployFiles.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // promtool resolves rule_files relative to the test file's folder.
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start promtool");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Server);
        return (process.ExitCode, await output.WithTimeout() + await error.WithTimeout());
    }

    private static string FindPromtool()
    {
        var prometheus = PrometheusServer.FindExecutable() ?? throw new InvalidOperationException(
            "prometheus is not installed; .ci/run installs it (Debian: apt-get install prometheus, which brings promtool)");
        var promtool = Path.Combine(Path.GetDirectoryName(prometheus)!, "promtool");
        return File.Exists(promtool) ? promtool : throw new InvalidOperationException($"promtool is not beside {prometheus}");
    }
}
