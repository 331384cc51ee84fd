using System.Globalization;

namespace InferenceServer.Core.Scheduling.Sequences;

/// <summary>
/// A request's correlation id (<c>sequence_id</c>): an unsigned integer or a string, as Triton's clients send it. The
/// two kinds never equal each other (5 and "5" are different sequences). Zero and the empty string mean no sequence.
/// </summary>
public readonly struct SequenceId : IEquatable<SequenceId>
{
    private SequenceId(ulong number, string? text)
    {
        Number = number;
        Text = text;
    }

    /// <summary>The numeric id (0 when the id is a string or absent).</summary>
    public ulong Number { get; }

    /// <summary>The string id, or null when the id is numeric or absent.</summary>
    public string? Text { get; }

    public bool IsString => Text is not null;

    /// <summary>No id was given (or 0, or "").</summary>
    public bool IsNone => Text is null && Number == 0;

    public static SequenceId None => default;

    public static SequenceId FromNumber(ulong number) => new(number, null);

    /// <summary>A string id; the empty string is no id, as in Triton.</summary>
    public static SequenceId FromText(string text) => text.Length == 0 ? default : new(0, text);

    public bool Equals(SequenceId other) => Number == other.Number && string.Equals(Text, other.Text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SequenceId other && Equals(other);

    public override int GetHashCode() => Text is null ? Number.GetHashCode() : StringComparer.Ordinal.GetHashCode(Text);

    /// <summary>How messages name the sequence: the number, or the string in quotes.</summary>
    public override string ToString() => Text is null ? Number.ToString(CultureInfo.InvariantCulture) : $"\"{Text}\"";

    public static bool operator ==(SequenceId left, SequenceId right) => left.Equals(right);

    public static bool operator !=(SequenceId left, SequenceId right) => !left.Equals(right);
}
