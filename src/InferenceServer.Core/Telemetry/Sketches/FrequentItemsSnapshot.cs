namespace InferenceServer.Core.Telemetry.Sketches;

/// <summary>
/// A <see cref="FrequentItems"/> sketch as a reference file holds it:
/// <c>{"counters": 100, "total": 5000, "text": true, "items": [{"value": "visa", "count": 2710}, …]}</c>.
/// <c>text</c> says the values are strings (a BYTES feature) rather than integers in invariant digits.
/// </summary>
public sealed record FrequentItemsSnapshot
{
    public int Counters { get; init; } = FrequentItems.DefaultCapacity;

    /// <summary>Every value counted, held or not.</summary>
    public long Total { get; init; }

    public bool Text { get; init; }

    /// <summary>The held categories, most frequent first.</summary>
    public List<Item> Items { get; init; } = [];

    /// <summary>One category and its count (an underestimate by at most total / (counters + 1)).</summary>
    public sealed record Item
    {
        public string Value { get; init; } = "";

        public long Count { get; init; }
    }
}
