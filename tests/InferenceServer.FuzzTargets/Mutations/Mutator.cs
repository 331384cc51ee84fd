namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>
/// Applies <see cref="Mutation"/>s to a byte string. Pure and deterministic: the same input and edits
/// always give the same output, so a failing case is reproduced from its seed alone.
/// </summary>
internal static class Mutator
{
    /// <summary>The input after each edit in turn.</summary>
    public static byte[] Apply(ReadOnlySpan<byte> input, ReadOnlySpan<Mutation> mutations)
    {
        var current = input.ToArray();
        foreach (var mutation in mutations)
        {
            current = Apply(current, mutation);
        }

        return current;
    }

    public static byte[] Apply(byte[] input, Mutation mutation)
    {
        var length = input.Length;
        switch (mutation.Kind)
        {
            case MutationKind.FlipBit when length > 0:
                {
                    var output = (byte[])input.Clone();
                    output[mutation.Position % length] ^= (byte)(1 << (int)(mutation.Choice % 8));
                    return output;
                }

            case MutationKind.SetByte when length > 0:
                {
                    var output = (byte[])input.Clone();
                    output[mutation.Position % length] = (mutation.Choice & 1) == 0
                        ? Pick(MutationValues.InterestingBytes, mutation.Choice >> 1)
                        : (byte)(mutation.Choice >> 1);
                    return output;
                }

            case MutationKind.Truncate:
                return length == 0 ? input : input[..(int)(mutation.Position % length)];

            case MutationKind.DeleteBytes when length > 0:
                {
                    var at = (int)(mutation.Position % length);
                    var count = 1 + (int)(mutation.Length % (uint)Math.Min(length - at, 64));
                    return [.. input.AsSpan(0, at), .. input.AsSpan(at + count)];
                }

            case MutationKind.Duplicate when length > 0:
                {
                    var from = (int)(mutation.Position % length);
                    var count = 1 + (int)(mutation.Length % (uint)Math.Min(length - from, 4096));
                    return Insert(input, mutation.Choice, input.AsSpan(from, count));
                }

            case MutationKind.InsertToken:
                return Insert(input, mutation.Position, Pick(MutationValues.Tokens, mutation.Choice));

            case MutationKind.ReplaceNumber:
                return Replace(input, TextTokens.Numbers(input), mutation.Position, Pick(MutationValues.Numbers, mutation.Choice));

            case MutationKind.ReplaceString:
                return Replace(input, TextTokens.Strings(input), mutation.Position, Pick(MutationValues.Strings, mutation.Choice));

            case MutationKind.Nest:
                return Nest(input, mutation);

            default:
                // InsertBytes, and the kinds above that need a non-empty input.
                return Insert(input, mutation.Position, RandomBytes(mutation.Length, mutation.Choice));
        }
    }

    private static T Pick<T>(T[] values, uint choice) => values[choice % (uint)values.Length];

    private static byte[] Insert(byte[] input, uint position, ReadOnlySpan<byte> bytes)
    {
        var at = (int)(position % (uint)(input.Length + 1));
        return [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at)];
    }

    /// <summary>Replaces one of <paramref name="tokens"/> (chosen by <paramref name="position"/>); inserts when there is none.</summary>
    private static byte[] Replace(byte[] input, List<Range> tokens, uint position, ReadOnlySpan<byte> value)
    {
        if (tokens.Count == 0)
        {
            return Insert(input, position, value);
        }

        var (offset, count) = tokens[(int)(position % (uint)tokens.Count)].GetOffsetAndLength(input.Length);
        return [.. input.AsSpan(0, offset), .. value, .. input.AsSpan(offset + count)];
    }

    /// <summary>Wraps a number (or, without one, an empty array) in arrays or objects nested to one of <see cref="MutationValues.Depths"/>.</summary>
    private static byte[] Nest(byte[] input, Mutation mutation)
    {
        var depth = Pick(MutationValues.Depths, mutation.Choice);
        var asObjects = (mutation.Length & 1) == 1;
        ReadOnlySpan<byte> open = asObjects ? "{\"a\":"u8 : "["u8;
        ReadOnlySpan<byte> close = asObjects ? "}"u8 : "]"u8;
        var numbers = TextTokens.Numbers(input);
        var (offset, count) = numbers.Count == 0
            ? ((int)(mutation.Position % (uint)(input.Length + 1)), 0)
            : numbers[(int)(mutation.Position % (uint)numbers.Count)].GetOffsetAndLength(input.Length);
        var inner = count == 0 ? "0"u8 : input.AsSpan(offset, count);
        var output = new List<byte>(input.Length + (depth * (open.Length + close.Length)));
        output.AddRange(input.AsSpan(0, offset));
        for (var i = 0; i < depth; i++)
        {
            output.AddRange(open);
        }

        output.AddRange(inner);
        for (var i = 0; i < depth; i++)
        {
            output.AddRange(close);
        }

        output.AddRange(input.AsSpan(offset + count));
        return [.. output];
    }

    /// <summary>
    /// Bytes to insert: usually a short run, one time in four up to 4 KiB; odd choices repeat one byte
    /// (runs of the same byte are what length checks trip over), even ones are a xorshift stream.
    /// </summary>
    private static byte[] RandomBytes(uint length, uint choice)
    {
        var count = 1 + (int)(length % ((choice & 6) == 0 ? 4096u : 16u));
        var bytes = new byte[count];
        if ((choice & 1) == 1)
        {
            Array.Fill(bytes, (byte)(choice >> 8));
            return bytes;
        }

        var state = choice | 1;
        for (var i = 0; i < count; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            bytes[i] = (byte)state;
        }

        return bytes;
    }
}
