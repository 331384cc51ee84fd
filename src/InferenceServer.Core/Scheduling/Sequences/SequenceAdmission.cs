namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>What <see cref="SequenceSlots.Admit"/> decided for an arriving request.</summary>
internal enum SequenceAdmission
{
    /// <summary>Its sequence holds a slot and has nothing else running or waiting: it runs now.</summary>
    Turn,

    /// <summary>It waits behind its sequence's earlier requests, or for a slot (its sequence is in the backlog).</summary>
    Wait,

    /// <summary>No live sequence has its id and it does not start one.</summary>
    NotLive,

    /// <summary>It starts a sequence whose id is live.</summary>
    AlreadyLive,

    /// <summary>It starts a sequence while every slot is held and the backlog is full.</summary>
    BacklogFull,
}
