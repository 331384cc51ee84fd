namespace InferenceServer.FuzzTargets;

/// <summary>
/// One parser under test. <see cref="Execute"/> runs it on an input and returns a short label of how it
/// ended ("accepted", or the kind of rejection); an outcome the parser documents (its error result, its
/// bad-input exception) is a label, anything else escapes as an exception, which the fuzzer counts as a crash.
/// </summary>
internal interface IFuzzTarget
{
    /// <summary>The name on the command line and of the corpus folder.</summary>
    string Name { get; }

    /// <summary>File extension of the corpus files.</summary>
    string Extension { get; }

    /// <summary>Valid inputs, generated from the sample models.</summary>
    IReadOnlyList<(string Name, byte[] Bytes)> Seeds { get; }

    string Execute(ReadOnlySpan<byte> input);
}
