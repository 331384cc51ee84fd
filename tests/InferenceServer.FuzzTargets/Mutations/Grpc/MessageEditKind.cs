namespace InferenceServer.FuzzTargets.Mutations.Grpc;

/// <summary>What one <see cref="MessageEdit"/> changes in a <c>ModelInferRequest</c>: the fields a byte flip rarely reaches with a value that still parses.</summary>
internal enum MessageEditKind
{
    /// <summary>Sets one dimension of an input's shape to a boundary value.</summary>
    SetDimension,

    /// <summary>Adds a boundary-valued dimension to an input's shape.</summary>
    AddDimension,

    /// <summary>Removes the last dimension of an input's shape.</summary>
    RemoveDimension,

    /// <summary>Sets an input's datatype (valid, wrong case, unknown).</summary>
    SetDatatype,

    /// <summary>Renames an input (to another input, an output, nothing).</summary>
    SetInputName,

    /// <summary>Drops, duplicates, truncates or extends a raw_input_contents entry.</summary>
    EditRawContents,

    /// <summary>Gives an input typed contents of some field, with a boundary number of values.</summary>
    SetTypedContents,

    /// <summary>Duplicates or removes an input.</summary>
    EditInputs,

    /// <summary>Sets a request parameter (priority, timeout, a reserved or shared-memory name) to an odd value.</summary>
    SetParameter,

    /// <summary>Requests an output (unknown, twice, with classification or shared memory).</summary>
    AddOutput,
}
