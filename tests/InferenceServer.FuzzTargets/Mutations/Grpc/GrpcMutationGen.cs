using CsCheck;
using Google.Protobuf;
using Inference;

namespace InferenceServer.FuzzTargets.Mutations.Grpc;

/// <summary>
/// CsCheck generators of mutated <c>ModelInferRequest</c>s: field edits that keep the message parseable
/// (boundary shapes, datatypes, contents), then sometimes byte mutations of the serialised form.
/// </summary>
internal static class GrpcMutationGen
{
    public static readonly Gen<MessageEdit> Edit =
        Gen.Select(Gen.Enum<MessageEditKind>(), Gen.UInt, Gen.UInt, static (kind, target, choice) => new MessageEdit(kind, target, choice));

    /// <summary>One of <paramref name="seeds"/> with one to four field edits and, one time in three, byte mutations on top.</summary>
    public static Gen<MutatedInput> Mutated(IReadOnlyList<(string Name, ModelInferRequest Message)> seeds) =>
        Gen.Select(Gen.Int[0, seeds.Count - 1], Edit.Array[1, 4], Gen.Int[0, 2], MutationGen.Mutation.Array[1, 2], (index, edits, withBytes, mutations) =>
        {
            var bytes = MessageEditor.Apply(seeds[index].Message, edits).ToByteArray();
            var described = $"{seeds[index].Name} edited [{string.Join(", ", edits)}]";
            return withBytes == 0
                ? new MutatedInput(described, mutations, Mutator.Apply(bytes, mutations))
                : new MutatedInput(described, [], bytes);
        });
}
