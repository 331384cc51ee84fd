using InferenceServer.Core.Inference;
using InferenceServer.Core.Scheduling.Sequences;

namespace InferenceServer.Core.Tests.Scheduling.Sequences;

/// <summary>
/// The slot and backlog rules of the sequence batcher, on clock readings the tests choose (one tick = one microsecond).
/// Invariants: at most <c>slots</c> sequences hold a slot; a sequence has at most one request with its turn, and its
/// requests get their turns in arrival order; a slot is freed by the END request having run or by idling, and goes to
/// the oldest backlogged sequence first; a backlogged sequence is refused once it has waited its time; every waiter is
/// completed exactly once.
/// </summary>
public sealed class SequenceSlotsTests
{
    private const long Idle = 1_000;
    private const long BacklogWait = 1_000;

    private static SequenceSlots Slots(int slots, int maxBacklog = 16) => new("m", slots, Idle, BacklogWait, maxBacklog, timestampFrequency: 1_000_000);

    private static SequenceId Id(ulong n) => SequenceId.FromNumber(n);

    private static SequenceAdmission Admit(SequenceSlots slots, ulong id, bool start, bool end, long now, out Sequence? sequence) =>
        slots.Admit(Id(id), start ? new Sequence(Id(id), [], 0) : null, end, now, out sequence);

    [Fact]
    public void Admit_StartWithFreeSlot_TurnAtOnce_LowestSlotsFirst()
    {
        var slots = Slots(2);

        Assert.Equal(SequenceAdmission.Turn, Admit(slots, 1, start: true, end: false, 0, out var first));
        Assert.Equal(SequenceAdmission.Turn, Admit(slots, 2, start: true, end: false, 0, out var second));

        Assert.Equal(0, first!.Slot);
        Assert.Equal(1, second!.Slot);
        Assert.Equal(0, slots.FreeSlots);
        Assert.Equal(2, slots.LiveCount);
    }

    [Fact]
    public void Admit_NotLiveWithoutStart_AndSecondStart_Refused()
    {
        var slots = Slots(2);

        Assert.Equal(SequenceAdmission.NotLive, Admit(slots, 7, start: false, end: false, 0, out _));
        Assert.Equal(SequenceAdmission.Turn, Admit(slots, 7, start: true, end: false, 0, out _));
        Assert.Equal(SequenceAdmission.AlreadyLive, Admit(slots, 7, start: true, end: false, 0, out _));
        Assert.Contains("sequence 7 for model 'm' is not live", slots.NotLiveMessage(Id(7)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admit_RequestsOfOneSequence_TakeTurnsInArrivalOrder()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: false, 0, out var sequence);
        Assert.Equal(SequenceAdmission.Wait, Admit(slots, 1, start: false, end: false, 1, out _));
        var second = slots.AddWaiter(sequence!);
        Assert.Equal(SequenceAdmission.Wait, Admit(slots, 1, start: false, end: true, 2, out _));
        var third = slots.AddWaiter(sequence!);
        Assert.Equal(2, slots.WaitingCount);

        Assert.Equal(long.MaxValue, slots.Finished(sequence!, 3));
        Assert.True(second.IsCompletedSuccessfully);
        Assert.False((await second).IsError);
        Assert.False(third.IsCompleted);

        slots.Finished(sequence!, 4);
        Assert.True(third.IsCompletedSuccessfully);
        Assert.Equal(0, slots.WaitingCount);

        // The END request has run: the slot is free and the id unknown.
        slots.Finished(sequence!, 5);
        Assert.Equal(1, slots.FreeSlots);
        Assert.Equal(SequenceAdmission.NotLive, Admit(slots, 1, start: false, end: false, 6, out _));
    }

    [Fact]
    public void End_IdMayStartAgainWhileTheEndingRequestRuns()
    {
        var slots = Slots(2);
        Admit(slots, 1, start: true, end: true, 0, out var ending);

        Assert.Equal(SequenceAdmission.Turn, Admit(slots, 1, start: true, end: false, 1, out var next));

        Assert.NotSame(ending, next);
        slots.Finished(ending!, 2);
        Assert.Equal(1, slots.FreeSlots);
        Assert.Equal(1, slots.LiveCount);
    }

    [Fact]
    public void Backlog_StartWithoutFreeSlot_WaitsAndTakesTheSlotTheEndFrees()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: true, 0, out var holder);
        Assert.Equal(SequenceAdmission.Wait, Admit(slots, 2, start: true, end: false, 1, out var waiting));
        var turn = slots.AddWaiter(waiting!);
        Assert.Equal(1, slots.BacklogCount);
        Assert.Equal(-1, waiting!.Slot);

        slots.Finished(holder!, 2);

        Assert.True(turn.IsCompletedSuccessfully);
        Assert.Equal(0, waiting.Slot);
        Assert.Equal(0, slots.BacklogCount);
    }

    [Fact]
    public void Backlog_Full_RefusesTheStart()
    {
        var slots = Slots(1, maxBacklog: 1);
        Admit(slots, 1, start: true, end: false, 0, out _);
        Admit(slots, 2, start: true, end: false, 0, out var waiting);
        slots.AddWaiter(waiting!);

        Assert.Equal(SequenceAdmission.BacklogFull, Admit(slots, 3, start: true, end: false, 0, out _));
    }

    [Fact]
    public async Task Idle_SequenceIdleForTheIdleTime_EndedAndItsSlotGoesToTheBacklog()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: false, 0, out var idle);
        Assert.Equal(10 + Idle, slots.Finished(idle!, 10));
        Admit(slots, 2, start: true, end: false, 20, out var waiting);
        var turn = slots.AddWaiter(waiting!);
        Assert.Equal(10 + Idle, slots.NextDeadline());

        Assert.Equal(0, slots.Expire(10 + Idle - 1));
        Assert.False(turn.IsCompleted);
        Assert.Equal(1, slots.Expire(10 + Idle));

        Assert.True(turn.IsCompletedSuccessfully);
        Assert.False((await turn).IsError);
        Assert.Equal(0, waiting!.Slot);
        Assert.Equal(SequenceAdmission.NotLive, Admit(slots, 1, start: false, end: false, 10 + Idle, out _));
    }

    [Fact]
    public void Idle_ARequestRestartsTheIdleTime()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: false, 0, out var sequence);
        slots.Finished(sequence!, 0);
        Admit(slots, 1, start: false, end: false, Idle - 1, out _);
        Assert.Equal(long.MaxValue, slots.NextDeadline());
        slots.Finished(sequence!, Idle);

        Assert.Equal(0, slots.Expire(Idle + 1));
        Assert.Equal(2 * Idle, slots.NextDeadline());
        Assert.Equal(1, slots.LiveCount);
    }

    [Fact]
    public async Task Backlog_WaitRunsOutWhileEverySlotIsInUse_RefusedUnavailableNamingTheSequence()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: false, 0, out var busy);
        Admit(slots, 2, start: true, end: false, 0, out var waiting);
        var turn = slots.AddWaiter(waiting!);
        Admit(slots, 2, start: false, end: false, 1, out _);
        var follower = slots.AddWaiter(waiting!);

        Assert.Equal(0, slots.Expire(BacklogWait));

        Assert.True(turn.IsCompletedSuccessfully);
        Assert.Equal(InferenceErrorCode.Unavailable, (await turn).Code);
        Assert.Contains("sequence 2 for model 'm' waited", (await turn).Message, StringComparison.Ordinal);
        Assert.Equal(InferenceErrorCode.Unavailable, (await follower).Code);
        Assert.Equal(0, slots.BacklogCount);
        Assert.Equal(0, slots.WaitingCount);
        Assert.Equal(SequenceAdmission.NotLive, Admit(slots, 2, start: false, end: false, BacklogWait, out _));
        Assert.True(busy!.Busy);
    }

    [Fact]
    public async Task FailAll_CompletesEveryWaiterWithTheError()
    {
        var slots = Slots(1);
        Admit(slots, 1, start: true, end: false, 0, out var holder);
        Admit(slots, 1, start: false, end: false, 0, out _);
        var behind = slots.AddWaiter(holder!);
        Admit(slots, 2, start: true, end: false, 0, out var backlogged);
        var waiting = slots.AddWaiter(backlogged!);

        slots.FailAll(InferenceError.Unavailable("unloading"));

        Assert.Equal("unloading", (await behind).Message);
        Assert.Equal("unloading", (await waiting).Message);
        Assert.Equal(0, slots.WaitingCount);
    }

    [Fact]
    public void Churn_ManySequencesThroughFewSlots_NeverMoreLiveSlotsThanConfigured()
    {
        const int SlotCount = 3;
        var slots = Slots(SlotCount, maxBacklog: 1_000);
        var running = new List<Sequence>();
        var waiting = new Dictionary<Sequence, Task<InferenceError>>();
        var now = 0L;
        for (ulong id = 1; id <= 200; id++)
        {
            var admission = Admit(slots, id, start: true, end: true, now++, out var sequence);
            if (admission == SequenceAdmission.Turn)
            {
                running.Add(sequence!);
            }
            else
            {
                waiting[sequence!] = slots.AddWaiter(sequence!);
            }

            Assert.True(running.Count(s => s.Slot >= 0) <= SlotCount);
            if (id % 2 == 0 && running.Count > 0)
            {
                var done = running[0];
                running.RemoveAt(0);
                slots.Finished(done, now++);
                foreach (var (next, turn) in waiting.Where(w => w.Value.IsCompleted).ToList())
                {
                    waiting.Remove(next);
                    running.Add(next);
                }
            }

            Assert.Equal(SlotCount, running.Count + slots.FreeSlots);
        }
    }
}
