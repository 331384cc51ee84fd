using System.Diagnostics;
using System.Text;

namespace InferenceServer.Core.Memory;

/// <summary>
/// Rent and return stacks as the pools' debug reports show them: the pool's own frames at the top are
/// left out, so the first line is the caller that rented or returned the lease.
/// </summary>
internal static class LeaseStackText
{
    /// <summary>
    /// The stack as text, without the leading frames of methods of <paramref name="ownTypes"/> (full
    /// type names, e.g. <c>InferenceServer.Core.Memory.PinnedBufferPool</c>).
    /// </summary>
    public static string Format(StackTrace? stack, params ReadOnlySpan<string> ownTypes)
    {
        if (stack is null)
        {
            return "(no stack recorded)";
        }

        var lines = stack.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        var first = 0;
        while (first < lines.Length - 1 && IsOwnFrame(lines[first], ownTypes))
        {
            first++;
        }

        var text = new StringBuilder();
        for (var i = first; i < lines.Length; i++)
        {
            text.AppendLine(lines[i]);
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The message of a second return: <paramref name="lease"/> names it, then both stacks.</summary>
    public static string DoubleReturn(string lease, StackTrace? firstReturn, StackTrace? rent, params ReadOnlySpan<string> ownTypes)
    {
        var first = firstReturn is null
            ? "(not recorded yet: the first return is still running on another thread)"
            : Format(firstReturn, ownTypes);
        return $"{lease} returned twice. First return:{Environment.NewLine}{first}{Environment.NewLine}Rented at:{Environment.NewLine}{Format(rent, ownTypes)}";
    }

    /// <summary>A frame reads "   at Namespace.Type.Method(...)": match " Type." so a type never matches a longer name that starts with it.</summary>
    private static bool IsOwnFrame(string line, ReadOnlySpan<string> ownTypes)
    {
        foreach (var type in ownTypes)
        {
            for (var at = line.IndexOf(type, StringComparison.Ordinal); at >= 0; at = line.IndexOf(type, at + 1, StringComparison.Ordinal))
            {
                if (at > 0 && line[at - 1] == ' ' && at + type.Length < line.Length && line[at + type.Length] == '.')
                {
                    return true;
                }
            }
        }

        return false;
    }
}
