namespace InferenceServer.Core.Execution;

/// <summary>
/// The elements of a BYTES output as its runtime holds them, read one at a time by <see cref="BytesOutputPacker"/>.
/// Implemented by structs, so the packer's generic calls neither box nor allocate.
/// </summary>
internal interface IBytesElements
{
    /// <summary>Element <paramref name="index"/>'s bytes, valid until the next call.</summary>
    ReadOnlySpan<byte> Element(int index);
}
