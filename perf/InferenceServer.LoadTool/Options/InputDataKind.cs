namespace InferenceServer.LoadTool.Options;

/// <summary>Where input values come from (<c>--input-data random|zero|FILE</c>).</summary>
public enum InputDataKind
{
    /// <summary>Seeded random values: integers in [0, 100), floats in [0, 1), random ASCII strings.</summary>
    Random,

    /// <summary>Zeros (empty strings for BYTES).</summary>
    Zero,

    /// <summary>A JSON file in perf_analyzer's format: <c>{"data": [{"INPUT0": [...], ...}, ...]}</c>.</summary>
    File,
}
