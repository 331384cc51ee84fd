using InferenceServer.Protocols.Logging;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Tests.Logging;

public class LogSettingsTests
{
    private static LogSettings Defaults() => new(info: true, warning: true, error: true, verboseLevel: 0);

    [Theory]
    [InlineData(LogLevel.Critical, true)]
    [InlineData(LogLevel.Error, true)]
    [InlineData(LogLevel.Warning, true)]
    [InlineData(LogLevel.Information, true)]
    [InlineData(LogLevel.Debug, false)]
    [InlineData(LogLevel.Trace, false)]
    public void Defaults_InformationAndAbove(LogLevel level, bool enabled)
    {
        Assert.Equal(enabled, Defaults().IsEnabled("InferenceServer", level));
    }

    [Fact]
    public void FrameworkInformation_OnlyWhenVerbose()
    {
        var settings = Defaults();
        Assert.False(settings.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information));
        Assert.True(settings.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning));

        Assert.Null(settings.TryApply([new LogSetting("log_verbose_level", Number: 1)]));

        Assert.True(settings.IsEnabled("Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information));
        Assert.True(settings.IsEnabled("InferenceServer", LogLevel.Debug));
        Assert.False(settings.IsEnabled("InferenceServer", LogLevel.Trace));
    }

    [Fact]
    public void PerRequestHostingLog_WhollyOff_UnlessVerbose()
    {
        // While any level of it is on, ASP.NET Core makes an Activity and a scope for every request.
        var settings = Defaults();
        foreach (var level in new[] { LogLevel.Critical, LogLevel.Error, LogLevel.Warning, LogLevel.Information })
        {
            Assert.False(settings.IsEnabled("Microsoft.AspNetCore.Hosting.Diagnostics", level));
        }

        Assert.Null(settings.TryApply([new LogSetting("log_verbose_level", Number: 1)]));
        Assert.True(settings.IsEnabled("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Information));
        Assert.True(settings.IsEnabled("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Critical));
    }

    [Fact]
    public void TryApply_EachSwitch_TakesEffect()
    {
        var settings = Defaults();

        Assert.Null(settings.TryApply([new LogSetting("log_info", Bool: false), new LogSetting("log_warning", Bool: false), new LogSetting("log_verbose_level", Number: 2)]));

        Assert.False(settings.IsEnabled("InferenceServer", LogLevel.Information));
        Assert.False(settings.IsEnabled("InferenceServer", LogLevel.Warning));
        Assert.True(settings.IsEnabled("InferenceServer", LogLevel.Error));
        Assert.True(settings.IsEnabled("InferenceServer", LogLevel.Trace));
        Assert.Equal(new LogSettings.Snapshot(false, false, true, 2), settings.Current);
    }

    [Theory]
    [InlineData("log_info", null, 1UL, null, "log_info must be a boolean")]
    [InlineData("log_verbose_level", true, null, null, "log_verbose_level must be an unsigned 32-bit integer")]
    [InlineData("log_verbose_level", null, 4294967296UL, null, "unsigned 32-bit")]
    [InlineData("log_file", null, null, "/var/log/server.log", "console only")]
    [InlineData("log_format", null, null, "json", "'json' is not a format")]
    [InlineData("log_colour", true, null, null, "'log_colour' is not a log setting")]
    public void TryApply_BadSetting_NamesIt_ChangesNothing(string name, bool? flag, ulong? number, string? text, string expected)
    {
        var settings = Defaults();
        var before = settings.Current;

        var error = settings.TryApply([new LogSetting("log_error", Bool: false), new LogSetting(name, flag, number, text)]);

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Same(before, settings.Current);
    }

    [Fact]
    public void TryApply_EmptyFileAndKnownFormats_Accepted()
    {
        Assert.Null(Defaults().TryApply([new LogSetting("log_file", Text: ""), new LogSetting("log_format", Text: "ISO8601"), new LogSetting("log_format", Text: "default")]));
    }
}
