namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>A request's place in its sequence, from its admission to the end of its run (kept inside the pooled request).</summary>
internal struct SequenceTicket
{
    /// <summary>The sequence the request belongs to; null before admission.</summary>
    public Sequence? Sequence;

    /// <summary>Completes when the request's turn comes (or with why it never will); null when it had its turn at admission.</summary>
    public Task<Inference.InferenceError>? Turn;

    /// <summary>How many inputs the client sent: the server's own follow them while the request runs.</summary>
    public int ClientInputCount;
}
