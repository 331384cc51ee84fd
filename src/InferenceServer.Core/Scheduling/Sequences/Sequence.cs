using InferenceServer.Core.Inference;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// One live sequence of a sequence model: its slot, its requests waiting for their turn, and what the server carries
/// between its requests (implicit state, the correlation id as the model's CORRID input takes it). Guarded by its
/// scheduler's lock, except <see cref="States"/>, <see cref="StateDimensions"/> and <see cref="CorrelationId"/>, which
/// only the request whose turn it is touches (a sequence runs one request at a time).
/// </summary>
internal sealed class Sequence
{
    public Sequence(SequenceId id, byte[] correlationId, int stateCount)
    {
        Id = id;
        CorrelationId = correlationId;
        States = new byte[stateCount][];
        StateDimensions = new long[stateCount][];
    }

    public SequenceId Id { get; }

    /// <summary>The slot it holds, or -1 while it waits in the backlog (and once it has ended).</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Scheduler clock reading when it entered the backlog.</summary>
    public long BackloggedAt { get; set; }

    /// <summary>One of its requests has its turn (being fed, batched or run).</summary>
    public bool Busy { get; set; }

    /// <summary>Its END request was admitted: no request joins it any more, and its slot is freed once that one has run.</summary>
    public bool Ended { get; set; }

    /// <summary>Scheduler clock reading since which it has had no request; <see cref="long.MaxValue"/> while it has one.</summary>
    public long IdleSince { get; set; } = long.MaxValue;

    /// <summary>Its admitted requests waiting for their turn, oldest first; each is told when its turn comes or why it never will.</summary>
    public Queue<TaskCompletionSource<InferenceError>> Waiting { get; } = new();

    /// <summary>The correlation id as the model's CORRID input takes it (empty when the model has none).</summary>
    public byte[] CorrelationId { get; }

    /// <summary>Each implicit state's value after the sequence's last request (row-major, without the batch dimension).</summary>
    public byte[][] States { get; }

    /// <summary>Each implicit state's dimensions, without the batch dimension.</summary>
    public long[][] StateDimensions { get; }
}
