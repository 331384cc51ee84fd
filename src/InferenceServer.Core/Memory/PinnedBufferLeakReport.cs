using System.Text;

namespace InferenceServer.Core.Memory;

/// <summary>The leases a <see cref="PinnedBufferPool"/> has handed out and not had back, from <see cref="PinnedBufferPool.GetLeakReport"/>.</summary>
public sealed class PinnedBufferLeakReport
{
    internal PinnedBufferLeakReport(bool isTracked, int outstandingCount, IReadOnlyList<PinnedBufferLeak> leaks, string note)
    {
        IsTracked = isTracked;
        OutstandingCount = outstandingCount;
        Leaks = leaks;
        Note = note;
    }

    /// <summary>Whether the pool records leases (debug mode); when false <see cref="Leaks"/> is empty.</summary>
    public bool IsTracked { get; }

    /// <summary>Leases outstanding when the report was taken (counted in every mode).</summary>
    public int OutstandingCount { get; }

    /// <summary>One record per outstanding lease, oldest first (debug mode only).</summary>
    public IReadOnlyList<PinnedBufferLeak> Leaks { get; }

    /// <summary>A one-line summary; outside debug mode it says how to get the rent sites.</summary>
    public string Note { get; }

    /// <summary>The note, then each lease with its rent stack: ready for a log.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Note);
        foreach (var leak in Leaks)
        {
            text.AppendLine()
                .Append("Lease #").Append(leak.RentSequence)
                .Append(": ").Append(leak.Length).Append(" of ").Append(leak.Capacity).Append(" bytes")
                .Append(leak.IsFallback ? " (fallback)" : "")
                .Append(", rented ").Append(leak.Age).Append(" ago at:")
                .AppendLine()
                .Append(leak.RentStackTrace);
        }

        return text.ToString();
    }
}
