namespace InferenceServer.FuzzTargets.Mutations.Grpc;

/// <summary>One edit of a <c>ModelInferRequest</c>; like <see cref="Mutation"/>, its parameters are taken modulo what the message offers when it is applied.</summary>
internal readonly record struct MessageEdit(MessageEditKind Kind, uint Target, uint Choice)
{
    public override string ToString() => $"{Kind}(target {Target}, choice {Choice})";
}
