using System.Buffers;
using System.Globalization;
using System.Text.Json;
using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Tracing;

/// <summary>
/// The traces collected for one trace file, written as Triton does: with a log frequency of N, every N traces go to
/// <c>{file}.{n}</c> (n from 0); with 0 they are kept and written to <c>{file}</c> at shutdown (or when no scope writes
/// to this file any more). Each file written is one JSON array. Records are added from the after-steps' work items,
/// never on a request's answer path; one lock per file.
/// </summary>
internal sealed class TritonTraceFile
{
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly Utf8JsonWriter _writer;
    private int _traces;
    private int _index;
    private long _logFrequency;

    public TritonTraceFile(string path)
    {
        Path = path;
        _writer = new Utf8JsonWriter(_buffer);
        _writer.WriteStartArray();
    }

    public string Path { get; }

    /// <summary>Adds one trace; writes a file once <paramref name="logFrequency"/> traces are collected (0 = keep them).</summary>
    public void Add(RequestTrace trace, InferenceRequest request, long logFrequency)
    {
        lock (_gate)
        {
            TritonTraceRecords.Write(_writer, trace, request);
            _logFrequency = logFrequency;
            if (++_traces >= logFrequency && logFrequency > 0)
            {
                WriteFile();
            }
        }
    }

    /// <summary>Writes what is collected and not yet written (named by the log frequency the traces were collected with).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_traces > 0)
            {
                WriteFile();
            }
        }
    }

    // Under the lock.
    private void WriteFile()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        var path = _logFrequency > 0 ? $"{Path}.{_index++.ToString(CultureInfo.InvariantCulture)}" : Path;
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
            file.Write(_buffer.WrittenSpan);
        }
        finally
        {
            _buffer.ResetWrittenCount();
            _writer.Reset();
            _writer.WriteStartArray();
            _traces = 0;
        }
    }
}
