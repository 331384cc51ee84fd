using InferenceServer.Core.Models.Repository;
using InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Hosting;

/// <summary>
/// The parser by the flag table: tritonserver's spellings, the command line over the environment over
/// appsettings.json, and errors that name the flag and what it accepts. The environment is a dictionary here,
/// since the process's is shared by tests running in parallel.
/// </summary>
public sealed class ServerOptionsReaderTests
{
    private static ServerOptions? Read(out string? error, string[] args, Dictionary<string, string>? environment = null, Dictionary<string, string?>? file = null) =>
        ServerOptionsReader.Read(
            args,
            new ConfigurationBuilder().AddInMemoryCollection(file ?? []).Build(),
            name => environment?.GetValueOrDefault(name),
            out error);

    private static ServerOptions Read(params string[] args)
    {
        var options = Read(out var error, ["--model-repository=/models", .. args]);
        Assert.Null(error);
        return options!;
    }

    [Theory]
    [InlineData("none", ModelControlMode.None)]
    [InlineData("poll", ModelControlMode.Poll)]
    [InlineData("explicit", ModelControlMode.Explicit)]
    public void ModelControlMode_EachName_ItsEnumValue(string name, ModelControlMode expected)
    {
        Assert.Equal(expected, Read($"--model-control-mode={name}").ModelControlMode);
        Assert.Equal(name, expected.ToName());
    }

    [Fact]
    public void ModelStore_TritonsOlderName_SetsTheRepository()
    {
        var options = Read(out var error, ["--model-store", "/elsewhere"]);

        Assert.Null(error);
        Assert.Equal("/elsewhere", options!.ModelRepository);
    }

    [Fact]
    public void Flag_SpaceSeparatedBareAndEquals_AllRead()
    {
        var options = Read("--http-port", "9000", "--pinned-memory-pool-debug", "--allow-grpc=off", "--shutdown-grace-secs=0.25");

        Assert.Equal(9000, options.HttpPort);
        Assert.True(options.PinnedMemoryPoolDebug);
        Assert.False(options.AllowGrpc);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.ShutdownGrace);
    }

    [Fact]
    public void Flag_GivenTwice_LastWins() => Assert.Equal(2, Read("--http-port=1", "--http-port=2").HttpPort);

    [Fact]
    public void ShutdownGrace_Zero_SkipsTheGrace() => Assert.Equal(TimeSpan.Zero, Read("--shutdown-grace-secs=0").ShutdownGrace);

    [Fact]
    public void LoadModel_Repeated_KeepsEachInOrder() =>
        Assert.Equal(["a", "b"], Read("--model-control-mode=explicit", "--load-model=a", "--load-model", "b").LoadModels);

    [Fact]
    public void Environment_SetsAFlagTheCommandLineLeavesOut()
    {
        var options = Read(out var error, ["--model-repository=/models"], new() { ["INFERENCE_SERVER_HTTP_PORT"] = "9100", ["INFERENCE_SERVER_MODEL_CONTROL_MODE"] = "poll" });

        Assert.Null(error);
        Assert.Equal(9100, options!.HttpPort);
        Assert.Equal(ModelControlMode.Poll, options.ModelControlMode);
    }

    [Fact]
    public void Environment_CommandLineWins() =>
        Assert.Equal(9200, Read(out _, ["--model-repository=/models", "--http-port=9200"], new() { ["INFERENCE_SERVER_HTTP_PORT"] = "9100" })!.HttpPort);

    [Fact]
    public void SettingsFile_UsedWithoutEnvironment_EnvironmentWinsOverIt()
    {
        var file = new Dictionary<string, string?> { ["httpport"] = "9300", ["grpcport"] = "9301", ["modelrepository"] = "/from-file" };

        var options = Read(out var error, [], new() { ["INFERENCE_SERVER_HTTP_PORT"] = "9100" }, file);

        Assert.Null(error);
        Assert.Equal(9100, options!.HttpPort);
        Assert.Equal(9301, options.GrpcPort);
        Assert.Equal("/from-file", options.ModelRepository);
    }

    [Fact]
    public void Environment_RepeatableFlag_OneValueUnlessTheCommandLineGivesAny()
    {
        var environment = new Dictionary<string, string> { ["INFERENCE_SERVER_CUDA_MEMORY_POOL_BYTE_SIZE"] = "0:1024", ["INFERENCE_SERVER_MODEL_CONTROL_MODE"] = "explicit", ["INFERENCE_SERVER_LOAD_MODEL"] = "m" };

        var fromEnvironment = Read(out _, ["--model-repository=/models"], environment)!;
        var fromCommandLine = Read(out _, ["--model-repository=/models", "--cuda-memory-pool-byte-size=1:2048"], environment)!;

        Assert.Equal(new Dictionary<int, long> { [0] = 1024 }, fromEnvironment.CudaMemoryPoolByteSize);
        Assert.Equal(["m"], fromEnvironment.LoadModels);
        Assert.Equal(new Dictionary<int, long> { [1] = 2048 }, fromCommandLine.CudaMemoryPoolByteSize);
    }

    [Fact]
    public void Environment_BadValue_ErrorNamesTheVariable()
    {
        var options = Read(out var error, ["--model-repository=/models"], new() { ["INFERENCE_SERVER_HTTP_PORT"] = "eighty" });

        Assert.Null(options);
        Assert.Equal("--http-port must be an integer in [0, 65535], got 'eighty' (from INFERENCE_SERVER_HTTP_PORT)", error);
    }

    [Fact]
    public void Environment_ControlToken_UsedWithoutATokenFile() =>
        Assert.Equal("secret", Read(out _, ["--model-repository=/models"], new() { ["INFERENCE_SERVER_CONTROL_TOKEN"] = "secret" })!.ControlToken);

    [Theory]
    [InlineData("stray", "unexpected argument 'stray'; flags look like --name=value (see --help)")]
    [InlineData("--http_port=1", "unknown flag '--http_port' (see --help)")]
    [InlineData("--http-port=70000", "--http-port must be an integer in [0, 65535], got '70000'")]
    [InlineData("--grpc-max-message-size=2147483648", "--grpc-max-message-size must be an integer in [1, 2147483647], got '2147483648'")]
    [InlineData("--http-max-header-size=1023", "--http-max-header-size must be an integer in [1024, 2147483647], got '1023'")]
    [InlineData("--allow-http=maybe", "--allow-http must be true or false, got 'maybe'")]
    [InlineData("--model-control-mode=Explicit", "--model-control-mode=Explicit is not a mode; use none, poll or explicit")]
    [InlineData("--exit-timeout-secs=1.5", "--exit-timeout-secs must be an integer in [0, 86400], got '1.5'")]
    [InlineData("--repository-poll-secs=0", "--repository-poll-secs must be a number of seconds in [0.001, 86400], got '0'")]
    [InlineData("--shutdown-grace-secs=-1", "--shutdown-grace-secs must be 0 or a number of seconds in [0.001, 86400], got '-1'")]
    [InlineData("--repository-poll-marker=../ready", "--repository-poll-marker must be a file name, got '../ready'")]
    [InlineData("--load-model=a", "--load-model applies only with --model-control-mode=explicit")]
    public void BadFlag_RefusedNamingTheFlag(string arg, string expected)
    {
        var options = Read(out var error, ["--model-repository=/models", arg]);

        Assert.Null(options);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void NoRepository_Required()
    {
        var options = Read(out var error, ["--http-port=1"]);

        Assert.Null(options);
        Assert.Equal("--model-repository is required", error);
    }
}
