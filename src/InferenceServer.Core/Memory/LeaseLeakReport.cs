using System.Text;

namespace InferenceServer.Core.Memory;

/// <summary>
/// The leases a pool has handed out and not had back: a count in every mode, and in debug mode one
/// record per lease with its rent stack. Each pool has its own sealed report type over its own record.
/// </summary>
public class LeaseLeakReport<TLeak>
    where TLeak : ILeaseLeak
{
    private protected LeaseLeakReport(bool isTracked, int outstandingCount, IReadOnlyList<TLeak> leaks, string note)
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
    public IReadOnlyList<TLeak> Leaks { get; }

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
                .Append(": ").Append(leak.Describe())
                .Append(", rented ").Append(leak.Age).Append(" ago at:")
                .AppendLine()
                .Append(leak.RentStackTrace);
        }

        return text.ToString();
    }
}
