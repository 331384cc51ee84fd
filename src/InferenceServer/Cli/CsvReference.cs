using System.Globalization;
using System.Text;
using InferenceServer.Core.Telemetry.Profiles;

namespace InferenceServer.Cli;

/// <summary>
/// A drift reference from a table of training data: a CSV file whose header row names the columns (or numbers
/// them 0 … F−1) and whose rows are samples, one feature per column in the order the model's <c>[batch, F]</c>
/// tensor holds them. An empty cell is a missing value (counted as NaN); <c>NaN</c>, <c>Infinity</c> and
/// <c>-Infinity</c> are read as such. A column of integers also gets its category counts (the server judges it as
/// categorical when it holds few distinct values); a column with any cell that is not a number is text, profiled
/// by its categories as a BYTES feature is. Fields may be quoted (RFC 4180, without line breaks inside a field).
/// </summary>
internal static class CsvReference
{
    /// <summary>Profiles <paramref name="path"/>: the rows, the column names (null when the header numbers them) and one sketch per column.</summary>
    public static (long Rows, string[]? Names, FeatureSketch[] Features) Profile(string path)
    {
        var (columns, kinds) = Columns(path);
        var features = columns.Select(_ => new FeatureSketch()).ToArray();
        long rows = 0;
        foreach (var cells in Rows(path, columns.Count))
        {
            for (var i = 0; i < cells.Count; i++)
            {
                Add(features[i], kinds[i], cells[i]);
            }

            rows++;
        }

        return (rows, IsNumbering(columns) ? null : [.. columns], features);
    }

    // First pass: the header, and what each column holds. A column whose every non-empty cell is an integer is profiled
    // as integers (quantiles and categories: categorical when few distinct, as the server decides), one with any cell
    // that is not a number as text (categories of a BYTES feature), the rest as floating-point numbers.
    private static (List<string> Columns, ColumnKind[] Kinds) Columns(string path)
    {
        using var reader = new StreamReader(path);
        var header = reader.ReadLine() ?? throw new InvalidDataException($"{path}: empty file; the first row must name the columns");
        var columns = Fields(header, path, 1);
        if (columns.Count == 0 || columns.Any(c => c.Length == 0) || columns.Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw new InvalidDataException($"{path}:1: the header must name every column once");
        }

        var kinds = new ColumnKind[columns.Count];
        foreach (var cells in Rows(path, columns.Count))
        {
            for (var i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                if (cell.Trim().Length == 0 || kinds[i] == ColumnKind.Text)
                {
                    continue;
                }

                kinds[i] = long.TryParse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out _)
                    ? (kinds[i] == ColumnKind.Float ? ColumnKind.Float : ColumnKind.Integer)
                    : double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? ColumnKind.Float : ColumnKind.Text;
            }
        }

        return (columns, kinds);
    }

    private static IEnumerable<List<string>> Rows(string path, int width)
    {
        using var reader = new StreamReader(path);
        reader.ReadLine();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = Fields(line, path, lineNumber);
            yield return cells.Count == width
                ? cells
                : throw new InvalidDataException($"{path}:{lineNumber}: {cells.Count} fields, but the header has {width}");
        }
    }

    // A header of 0, 1, …, F−1 numbers the columns rather than naming them.
    private static bool IsNumbering(List<string> columns) =>
        columns.Select((c, i) => c == i.ToString(CultureInfo.InvariantCulture)).All(b => b);

    // An empty cell is a missing value: NaN for a number, an empty string (counted as missing) for text.
    private static void Add(FeatureSketch feature, ColumnKind kind, string cell)
    {
        if (kind == ColumnKind.Text)
        {
            feature.AddText(Encoding.UTF8.GetBytes(cell));
        }
        else if (cell.Trim().Length == 0)
        {
            feature.Add(double.NaN);
        }
        else if (kind == ColumnKind.Integer)
        {
            feature.AddInteger(long.Parse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture));
        }
        else
        {
            feature.Add(double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
    }

    // Integer until a cell says otherwise (the default, so a column of empty cells is numeric); Text wins over both.
    private enum ColumnKind
    {
        Integer,
        Float,
        Text,
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
