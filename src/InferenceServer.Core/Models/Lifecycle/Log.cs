using InferenceServer.Core.Logging;
using Microsoft.Extensions.Logging;

namespace InferenceServer.Core.Models.Lifecycle;

/// <summary>What loading, retiring and traffic changes log, with stable event ids (100–109).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = EventIds.VersionReady, Level = LogLevel.Information, Message = "Model '{Model}' version {Version} is ready")]
    public static partial void VersionReady(ILogger logger, string model, long version);

    [LoggerMessage(EventId = EventIds.VersionFailed, Level = LogLevel.Error, Message = "Model '{Model}' version {Version} failed to load: {Reason}")]
    public static partial void VersionFailed(ILogger logger, string model, long version, string reason);

    [LoggerMessage(EventId = EventIds.ModelFailed, Level = LogLevel.Error, Message = "Model '{Model}' failed to load: {Reason}")]
    public static partial void ModelFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = EventIds.ModelRemoved, Level = LogLevel.Information, Message = "Model '{Model}' was removed from the repository; it takes no new requests")]
    public static partial void ModelRemoved(ILogger logger, string model);

    [LoggerMessage(EventId = EventIds.TrafficFileRejected, Level = LogLevel.Error, Message = "Model '{Model}': traffic policy {Path} rejected, the previous policy stays: {Reason}")]
    public static partial void TrafficFileRejected(ILogger logger, string model, string path, string reason);

    [LoggerMessage(EventId = EventIds.VersionKeptByTraffic, Level = LogLevel.Information, Message = "Model '{Model}' version {Version}: {Note}")]
    public static partial void VersionKeptByTraffic(ILogger logger, string model, long version, string note);

    [LoggerMessage(EventId = EventIds.Rollback, Level = LogLevel.Warning, Message = "Model '{Model}': rollback guard took the canary out of rotation: {Reason}")]
    public static partial void Rollback(ILogger logger, string model, string reason);
}
