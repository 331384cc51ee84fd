namespace InferenceServer.Core.Capture;

/// <summary>One sampled request, copied out of the request's buffers: when it arrived (µs after the first captured one) and its inputs.</summary>
internal sealed record CapturedRequest(long OffsetMicroseconds, string Model, string Version, CapturedInput[] Inputs);

/// <summary>One input as recorded: its bytes (<see cref="Data"/>), or for a hashed input their SHA-256 and size.</summary>
internal sealed record CapturedInput(string Name, string DataType, long[] Shape, byte[]? Data, string? Sha256, long ByteSize);
