using System.Globalization;
using InferenceServer.Core.Telemetry.Profiles;

namespace InferenceServer.Cli;

/// <summary>
/// A drift reference from a table of training data: a CSV file whose header row names the columns (or numbers
/// them 0 … F−1) and whose rows are samples, one feature per column in the order the model's <c>[batch, F]</c>
/// tensor holds them. An empty cell is a missing value (counted as NaN); <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> are read as such. Fields may be quoted (RFC 4180, without line breaks inside a field).
/// </summary>
internal static class CsvReference
{
    /// <summary>Profiles <paramref name="path"/>: the rows, the column names (null when the header numbers them) and one sketch per column.</summary>
    public static (long Rows, string[]? Names, FeatureSketch[] Features) Profile(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path}: empty file; the first row must name the columns");
        var columns = Fields(header, path, 1);
        if (columns.Count == 0 || columns.Any(c => c.Length == 0) || columns.Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new InvalidDataException($"{path}:1: the header must name every column once");
        }

        var features = columns.Select(_ => new FeatureSketch()).ToArray();
        long rows = 0;
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = Fields(line, path, lineNumber);
            if (cells.Count != features.Length)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: {cells.Count} fields, but the header has {features.Length}");
            }

            for (var i = 0; i < cells.Count; i++)
            {
                features[i].Add(Value(cells[i], path, lineNumber, columns[i]));
            }

            rows++;
        }

        return (rows, IsNumbering(columns) ? null : [.. columns], features);
    }

    // A header of 0, 1, …, F−1 numbers the columns rather than naming them.
    private static bool IsNumbering(List<string> columns) =>
        columns.Select((c, i) => c == i.ToString(CultureInfo.InvariantCulture)).All(b => b);

    private static double Value(string cell, string path, int line, string column)
    {
        if (cell.Trim().Length == 0)
        {
            return double.NaN;
        }

        return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{path}:{line}: column '{column}' holds '{cell}', which is not a number (categorical columns are not profiled yet)");
    }

    private static List<string> Fields(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var i = 0;
        while (true)
        {
            string field;
            if (i < line.Length && line[i] == '"')
            {
                var end = i + 1;
                var text = new System.Text.StringBuilder();
                while (true)
                {
                    var quote = line.IndexOf('"', end);
                    if (quote < 0)
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: a quoted field is not closed");
                    }

                    text.Append(line, end, quote - end);
                    if (quote + 1 < line.Length && line[quote + 1] == '"')
                    {
                        text.Append('"');
                        end = quote + 2;
                        continue;
                    }

                    i = quote + 1;
                    break;
                }

                field = text.ToString();
                if (i < line.Length && line[i] != ',')
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: text after a quoted field");
                }
            }
            else
            {
                var comma = line.IndexOf(',', i);
                field = (comma < 0 ? line[i..] : line[i..comma]).Trim();
                i = comma < 0 ? line.Length : comma;
            }

            fields.Add(field);
            if (i >= line.Length)
            {
                return fields;
            }

            i++; // past the comma
        }
    }
}
