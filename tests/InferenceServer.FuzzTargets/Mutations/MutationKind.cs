namespace InferenceServer.FuzzTargets.Mutations;

/// <summary>What one <see cref="Mutation"/> does to its input. The byte-level kinds are AFL's havoc steps; the token kinds know just enough of JSON and protobuf text to reach past the syntax check.</summary>
internal enum MutationKind
{
    /// <summary>Flips one bit.</summary>
    FlipBit,

    /// <summary>Overwrites one byte with a value chosen from <see cref="MutationValues.InterestingBytes"/> or any byte.</summary>
    SetByte,

    /// <summary>Cuts the input at a position.</summary>
    Truncate,

    /// <summary>Inserts a run of bytes (random, or one repeated byte).</summary>
    InsertBytes,

    /// <summary>Removes a run of bytes.</summary>
    DeleteBytes,

    /// <summary>Copies a run of the input to another position (duplicated fields, repeated blobs).</summary>
    Duplicate,

    /// <summary>Inserts a syntax token (a bracket, a quote, a separator, <c>null</c>) from <see cref="MutationValues.Tokens"/>.</summary>
    InsertToken,

    /// <summary>Replaces a number in the text with a boundary value (shapes, lengths, sizes, header lengths).</summary>
    ReplaceNumber,

    /// <summary>Replaces a quoted string with a datatype, tensor name, reserved parameter or malformed string.</summary>
    ReplaceString,

    /// <summary>Wraps a number in deep array or object nesting.</summary>
    Nest,
}
