namespace InferenceServer.Core.Capture;

/// <summary>
/// What <see cref="RequestCapture"/> records (the <c>--capture-*</c> flags): one model's requests, sampled, into one
/// file that never grows beyond <see cref="ByteBudget"/>.
/// </summary>
public sealed record RequestCaptureSettings(string Model, string FilePath)
{
    /// <summary>Default 64 MiB: minutes of a small model's traffic, a few seconds of an image model's, and never a full disk.</summary>
    public const long DefaultByteBudget = 64L << 20;

    /// <summary>The file's size limit in bytes, header included: capture stops at the first request that would cross it.</summary>
    public long ByteBudget { get; init; } = DefaultByteBudget;

    /// <summary>The fraction of the model's requests recorded, in (0, 1]; 1 records every one.</summary>
    public double SampleRate { get; init; } = 1;

    /// <summary>Inputs left out of the file (features that must not leave the server).</summary>
    public IReadOnlySet<string> DroppedInputs { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Inputs recorded as the SHA-256 of their bytes and their size, not the bytes (equal values stay recognisable).</summary>
    public IReadOnlySet<string> HashedInputs { get; init; } = new HashSet<string>(StringComparer.Ordinal);
}
