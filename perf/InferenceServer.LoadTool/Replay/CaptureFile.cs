using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using InferenceServer.LoadTool.Data;

namespace InferenceServer.LoadTool.Replay;

/// <summary>
/// A server's request capture (<c>--capture-model</c>; docs/request-capture.md): JSON Lines, a header, then one
/// request per line with its arrival offset and its inputs' raw bytes. Read whole: a capture is bounded by the
/// server's <c>--capture-bytes</c>. A fault names the file and its line.
/// </summary>
internal sealed record CaptureFile(string Model, IReadOnlyList<CapturedRequest> Requests)
{
    public const string FormatName = "inference-server-capture";

    public static CaptureFile Read(string path)
    {
        var name = Path.GetFileName(path);
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{name}: empty, not a capture file");
        var head = Parse(header, 1, name, CaptureJsonContext.Default.CaptureHeader);
        if (head.Format != FormatName || head.Version != 1)
        {
            throw new InvalidDataException($"{name}:1: not a version 1 {FormatName} file (format '{head.Format}', version {head.Version})");
        }

        var requests = new List<CapturedRequest>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var record = Parse(line, lineNumber, name, CaptureJsonContext.Default.CaptureRecord);
            var inputs = new List<InputTensor>();
            foreach (var input in record.Inputs ?? [])
            {
                inputs.Add(new InputTensor(input.Name, input.Datatype, input.Shape, input.Data ?? StandIn(input, name, lineNumber)));
            }

            requests.Add(new CapturedRequest(record.OffsetUs, inputs));
        }

        return new CaptureFile(head.Model, requests);
    }

    /// <summary>
    /// A hashed input's bytes are not in the file: zeros of the recorded size stand in (for BYTES, one empty string per
    /// element), so the request keeps its shape and size and the server still runs it.
    /// </summary>
    private static byte[] StandIn(CaptureInput input, string file, int line)
    {
        if (input.Datatype != "BYTES")
        {
            return new byte[input.ByteSize ?? throw new InvalidDataException($"{file}:{line}: input '{input.Name}' has neither data nor byte_size")];
        }

        var elements = input.Shape.Aggregate(1L, (count, dim) => count * dim);
        return new byte[checked((int)(elements * sizeof(int)))];
    }

    private static T Parse<T>(string line, int lineNumber, string file, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(line, type) ?? throw new InvalidDataException($"{file}:{lineNumber}: null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{file}:{lineNumber}: {e.Path}: {e.Message}"));
        }
    }
}

/// <summary>One captured request: when it arrived (µs after the capture's first request) and its inputs, ready to send.</summary>
internal sealed record CapturedRequest(long OffsetMicroseconds, IReadOnlyList<InputTensor> Inputs);

internal sealed class CaptureHeader
{
    public string Format { get; set; } = "";

    public int Version { get; set; }

    public string Model { get; set; } = "";
}

internal sealed class CaptureRecord
{
    public long OffsetUs { get; set; }

    public List<CaptureInput>? Inputs { get; set; }
}

internal sealed class CaptureInput
{
    public string Name { get; set; } = "";

    public string Datatype { get; set; } = "";

    public long[] Shape { get; set; } = [];

    public byte[]? Data { get; set; }

    public long? ByteSize { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CaptureHeader))]
[JsonSerializable(typeof(CaptureRecord))]
internal sealed partial class CaptureJsonContext : JsonSerializerContext;
