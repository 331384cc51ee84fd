namespace InferenceServer.LoadTool.Scenarios;

/// <summary>A scenario file that cannot be run; the message names the file and the line or JSON path of the fault.</summary>
internal sealed class ScenarioException(string message) : Exception(message);
