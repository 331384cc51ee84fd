using Microsoft.Extensions.Logging;

namespace InferenceServer.Protocols.Logging;

/// <summary>
/// Triton's logging extension: which messages the server writes, changeable while it runs (<c>/v2/logging</c>,
/// gRPC <c>LogSettings</c>; changes need the control token). The host's logging filter asks
/// <see cref="IsEnabled"/> on every log call, so a change applies to the next line. Logs go to the console only:
/// <c>log_file</c> is always "" and setting it is refused, as is a format other than ISO 8601.
/// </summary>
public sealed class LogSettings
{
    public const string Format = "ISO8601";

    // Frameworks talk a lot at Information; their lines show only in verbose mode, warnings and errors always.
    private static readonly string[] FrameworkCategories = ["Microsoft.AspNetCore", "Microsoft.Hosting", "Grpc"];

    private const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private volatile Snapshot _current;

    public LogSettings(bool info, bool warning, bool error, uint verboseLevel)
    {
        _current = new Snapshot(info, warning, error, verboseLevel);
    }

    public Snapshot Current => _current;

    public bool IsEnabled(string? category, LogLevel level)
    {
        var settings = _current;
        if (category == HostingDiagnosticsCategory && settings.VerboseLevel == 0)
        {
            // This category only logs each request's start and end; while it is enabled at any level, ASP.NET
            // Core creates an Activity and a logging scope per request, which costs the request path.
            return false;
        }

        return level switch
        {
            LogLevel.Critical or LogLevel.Error => settings.Error,
            LogLevel.Warning => settings.Warning,
            LogLevel.Information => settings.Info && (settings.VerboseLevel > 0 || !IsFramework(category)),
            LogLevel.Debug => settings.VerboseLevel >= 1,
            LogLevel.Trace => settings.VerboseLevel >= 2,
            _ => false,
        };
    }

    /// <summary>Applies all of <paramref name="changes"/> or none; the error names the first bad setting.</summary>
    public string? TryApply(IReadOnlyList<LogSetting> changes)
    {
        var next = _current;
        foreach (var change in changes)
        {
            switch (change.Name)
            {
                case "log_info" when change.Bool is { } on: next = next with { Info = on }; break;
                case "log_warning" when change.Bool is { } on: next = next with { Warning = on }; break;
                case "log_error" when change.Bool is { } on: next = next with { Error = on }; break;
                case "log_verbose_level" when change.Number is { } level and <= uint.MaxValue: next = next with { VerboseLevel = (uint)level }; break;
                case "log_file" when change.Text is "": break;
                case "log_file" when change.Text is not null:
                    return "log_file: this server logs to the console only (stdout/stderr, collected by the container runtime); set \"\"";
                case "log_format" when change.Text is { } format:
                    if (!string.Equals(format, Format, StringComparison.OrdinalIgnoreCase) && format != "default")
                    {
                        return $"log_format: '{format}' is not a format; lines carry ISO 8601 UTC timestamps (\"{Format}\" or \"default\")";
                    }

                    break;
                case "log_info" or "log_warning" or "log_error":
                    return $"{change.Name} must be a boolean, got {change.Describe()}";
                case "log_verbose_level":
                    return $"log_verbose_level must be an unsigned 32-bit integer, got {change.Describe()}";
                case "log_file" or "log_format":
                    return $"{change.Name} must be a string, got {change.Describe()}";
                default:
                    return $"'{Core.Models.ModelNames.Printable(change.Name)}' is not a log setting (log_file, log_info, log_warning, log_error, log_verbose_level, log_format)";
            }
        }

        _current = next;
        return null;
    }

    // Runs inside every enabled-check at Information, so a plain loop: a lambda over the category would allocate each time.
    private static bool IsFramework(string? category)
    {
        if (category is null)
        {
            return false;
        }

        foreach (var prefix in FrameworkCategories)
        {
            if (category.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public sealed record Snapshot(bool Info, bool Warning, bool Error, uint VerboseLevel);
}
