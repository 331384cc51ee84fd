using System.Text;

namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>A seed after some edits: what a property test or the in-process fuzzer feeds a parser, printed so a failure can be read and replayed.</summary>
/// <param name="SeedName">Which seed was edited.</param>
/// <param name="Mutations">The edits, in order.</param>
/// <param name="Bytes">The edited input.</param>
internal sealed record MutatedInput(string SeedName, Mutation[] Mutations, byte[] Bytes)
{
    private const int PreviewLength = 600;

    public override string ToString()
    {
        var preview = new StringBuilder();
        foreach (var b in Bytes.AsSpan(0, Math.Min(Bytes.Length, PreviewLength)))
        {
            preview.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? (char)b : $"\\x{b:X2}");
        }

        var more = Bytes.Length > PreviewLength ? $"... ({Bytes.Length} bytes)" : "";
        return $"seed '{SeedName}' with [{string.Join(", ", Mutations)}]: {preview}{more}";
    }
}
