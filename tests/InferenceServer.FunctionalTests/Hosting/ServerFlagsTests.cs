using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.Hosting;
using InferenceServer.Hosting.Flags;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Hosting;

/// <summary>
/// The flag table is the one place a default is written: the options start from it, the parser leaves it when a
/// flag is absent, --help prints it, and the README's flag table agrees with it.
/// </summary>
public sealed class ServerFlagsTests
{
    public static TheoryData<string> FlagNames() => [.. ServerFlags.All.Select(f => f.Name)];

    private static FlagDefinition Flag(string name) => ServerFlags.Find(name)!;

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Flag_Absent_ParserLeavesItsDefault(string name)
    {
        var options = ServerOptionsReader.Read(["--model-repository=/models"], new ConfigurationBuilder().Build(), _ => null, out var error);

        Assert.Null(error);
        var flag = Flag(name);
        Assert.True(flag.Required || flag.HoldsDefault(options!), $"--{name} is not {flag.DefaultText} when absent");
    }

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Flag_NewOptions_HoldItsDefault(string name) => Assert.True(Flag(name).HoldsDefault(new ServerOptions()));

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Flag_DefaultAsHelpPrintsIt_ParsesBackToTheDefault(string name)
    {
        var flag = Flag(name);
        if (flag.Repeatable || flag.Required || flag.DefaultText == "(none)")
        {
            return;
        }

        var options = new ServerOptions();
        Assert.Null(flag.Apply(options, flag.DefaultText));
        Assert.True(flag.HoldsDefault(options));
    }

    [Theory]
    [MemberData(nameof(FlagNames))]
    public void Flag_GivenADifferentValue_NoLongerHoldsTheDefault(string name)
    {
        var flag = Flag(name);
        var different = flag.DefaultText switch
        {
            "true" => "false",
            "false" => "true",
            "none" => "explicit",
            _ when flag.Name == "cuda-memory-pool-byte-size" => "0:1024",
            _ when flag.Name == "trace-config" => "rate=5",
            _ when flag.Name == "cache-config" => "local,size=1048576",
            _ when flag.Name == "capture-sample-rate" => "0.5",
            _ when flag.Accepts?.StartsWith("an integer", StringComparison.Ordinal) == true || flag.Accepts?.Contains("seconds", StringComparison.Ordinal) == true => "1025",
            _ => "something",
        };
        var options = new ServerOptions();

        Assert.Null(flag.Apply(options, different));
        Assert.False(flag.HoldsDefault(options), $"--{name}={different} still holds the default; the table's setter or getter names another option");
    }

    [Fact]
    public void Help_ListsEveryFlagWithItsDefaultAndRange()
    {
        var help = ServerFlagsHelp.Text().Split(Environment.NewLine);

        foreach (var flag in ServerFlags.All)
        {
            var line = Assert.Single(help, l => l.StartsWith($"  --{flag.Name} ", StringComparison.Ordinal));
            Assert.Contains(flag.Help, line, StringComparison.Ordinal);
            Assert.Contains(flag.Required ? "(required" : $"(default: {flag.DefaultText}", line, StringComparison.Ordinal);
            Assert.Contains(flag.Accepts ?? "", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Help_NamesAliasesAndTheEnvironmentScheme()
    {
        var help = ServerFlagsHelp.Text();

        Assert.Contains("Alias: --model-store", help, StringComparison.Ordinal);
        Assert.Contains("INFERENCE_SERVER_<FLAG>", help, StringComparison.Ordinal);
        Assert.Contains("(default: 8000; an integer in [0, 65535])", help, StringComparison.Ordinal);
        Assert.Contains("(default: none; none, poll or explicit)", help, StringComparison.Ordinal);
    }

    [Fact]
    public void All_NamesAliasesVariablesAndKeys_Unique()
    {
        var names = ServerFlags.All.SelectMany(f => f.Aliases.Prepend(f.Name)).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ServerFlags.All.Count, ServerFlags.All.Select(f => f.EnvironmentVariable).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ServerFlags.All.Count, ServerFlags.All.Select(f => f.SettingsKey).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void EnvironmentVariable_PrefixAndUpperSnakeCase()
    {
        Assert.Equal("INFERENCE_SERVER_HTTP_PORT", ServerFlags.HttpPort.EnvironmentVariable);
        Assert.Equal("INFERENCE_SERVER_CUDA_MEMORY_POOL_BYTE_SIZE", ServerFlags.CudaMemoryPoolByteSize.EnvironmentVariable);
        Assert.Equal("httpport", ServerFlags.HttpPort.SettingsKey);
    }

    [Theory]
    [InlineData("INFERENCE_SERVER_HTTP_PORT", true)]
    [InlineData("INFERENCE_SERVER_CONTROL_TOKEN", true)]
    [InlineData("INFERENCE_SERVER_INFERENCE_TOKEN", true)]
    [InlineData("INFERENCE_SERVER_MODEL_STORE", false)]
    [InlineData("INFERENCE_SERVER_HTTP_PROT", false)]
    public void IsEnvironmentVariable_FlagsAndTokens(string name, bool expected) => Assert.Equal(expected, ServerFlags.IsEnvironmentVariable(name));

    [Fact]
    public void Find_AliasOrName_SameFlag()
    {
        Assert.Same(ServerFlags.ModelRepository, ServerFlags.Find("model-store"));
        Assert.Same(ServerFlags.HttpPort, ServerFlags.Find("http-port"));
        Assert.Null(ServerFlags.Find("http_port"));
    }

    /// <summary>
    /// README's "Flags" table lists every flag with the table's default, so the one default written in code is
    /// also the one a reader sees. Rows may group flags ("`--a` / `--b`"), with one default each or one for all.
    /// </summary>
    [Fact]
    public void Readme_FlagsTable_ListsEveryFlagWithItsDefault()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md"));
        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in readme.Split('\n').Where(l => l.StartsWith("| `--", StringComparison.Ordinal)))
        {
            var cells = row.Split('|', StringSplitOptions.TrimEntries);
            var names = cells[1].Split(" / ").Select(n => n.Trim('`').Split(' ')[0].Trim('`')[2..]).ToList();
            var defaults = cells[2].Split(" / ").Select(d => d.Trim('`')).ToList();
            for (var i = 0; i < names.Count; i++)
            {
                documented[names[i]] = defaults.Count == names.Count ? defaults[i] : defaults[0];
            }
        }

        foreach (var flag in ServerFlags.All)
        {
            Assert.True(documented.TryGetValue(flag.Name, out var shown), $"README's flag table lacks --{flag.Name}");
            Assert.Equal(flag.Required ? "required" : flag.DefaultText, shown);
        }

        Assert.DoesNotContain(documented.Keys, n => ServerFlags.Find(n) is null);
    }
}
