using System.Globalization;
using System.Text.Json;
using InferenceServer.Core.Telemetry.Profiles;
using InferenceServer.Protocols.Http;

namespace InferenceServer.Cli;

/// <summary>
/// <c>inference-server drift-reference --input samples.jsonl --output drift_reference.json [--max-columns 256]</c>:
/// builds a version's drift reference from sample requests, one KServe v2 JSON infer request per line (the
/// bodies clients send, e.g. the validation set; each input's <c>datatype</c> says how its values are profiled: BYTES
/// strings and BOOL by their categories, integers by quantiles and categories, the rest by quantiles). Or <c>--csv train.csv [--tensor INPUT0]</c>: from a table of
/// training data (<see cref="CsvReference"/>), its columns the features of one <c>[batch, F]</c> input, their
/// header names kept in the file as the features' names. A <c>[batch, F]</c> input with F up to the column cap gets
/// one feature per column, as the server profiles it; anything else one feature for the whole tensor.
/// Copy the output into the version folder as <c>drift_reference.json</c>.
/// </summary>
internal static class DriftReferenceCommand
{
    public const string Name = "drift-reference";

    public static int Run(string[] args)
    {
        string? input = null, output = null, csv = null;
        var tensor = "INPUT0";
        var maxColumns = 256;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--input": input = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                case "--csv": csv = args[i + 1]; break;
                case "--tensor" when args[i + 1].Length > 0: tensor = args[i + 1]; break;
                case "--max-columns" when int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0: maxColumns = columns; break;
                default: return Usage($"unexpected argument '{args[i]} {args[i + 1]}'");
            }
        }

        if ((input is null) == (csv is null) || output is null || args.Length % 2 != 0)
        {
            return Usage("--output and one of --input or --csv are required");
        }

        try
        {
            if (csv is not null)
            {
                var (rows, names, features) = CsvReference.Profile(csv);
                ReferenceProfileFile.From(rows, [(tensor, "input", features)], names).Save(output);
                Console.WriteLine($"{output}: {rows} rows, input '{tensor}', {features.Length} features");
                if (names is not null)
                {
                    Console.WriteLine($"config.pbtxt: parameters {{ key: \"{ProfileOptions.FeatureNamesPrefix}{tensor}\" value {{ string_value: \"{string.Join(",", names)}\" }} }} (optional: the file names them already)");
                }

                return 0;
            }

            var (requests, tensors) = Profile(input!, maxColumns);
            ReferenceProfileFile.From(requests, tensors.Select(t => (t.Key, "input", t.Value)).ToArray()).Save(output);
            Console.WriteLine($"{output}: {requests} requests, {tensors.Count} tensors, {tensors.Values.Sum(f => f.Length)} features");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 1;
        }
    }

    private static (long Requests, Dictionary<string, FeatureSketch[]> Tensors) Profile(string path, int maxColumns)
    {
        var tensors = new Dictionary<string, FeatureSketch[]>(StringComparer.Ordinal);
        long requests = 0;
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(WithoutNonFiniteTokens(line));
            if (!document.RootElement.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: a request needs an 'inputs' array");
            }

            foreach (var tensor in inputs.EnumerateArray())
            {
                var name = tensor.GetProperty("name").GetString() ?? throw new InvalidDataException($"{path}:{lineNumber}: an input has no name");
                var shape = tensor.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
                var features = shape.Length == 2 && shape[1] > 0 && shape[1] <= maxColumns ? (int)shape[1] : 1;
                if (!tensors.TryGetValue(name, out var sketches))
                {
                    tensors[name] = sketches = Enumerable.Range(0, features).Select(_ => new FeatureSketch()).ToArray();
                }
                else if (sketches.Length != features)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: input '{name}' has {features} feature(s) here but {sketches.Length} before");
                }

                var datatype = tensor.TryGetProperty("datatype", out var type) ? type.GetString() : null;
                var column = 0;
                Feed(tensor.GetProperty("data"), datatype, sketches, ref column);
            }

            requests++;
        }

        return (requests, tensors);
    }

    // Elements in row-major order, element i to feature i mod F, each as the server reads its datatype: BYTES strings as
    // texts, integers and booleans as numbers and categories, floating-point values as numbers.
    private static void Feed(JsonElement element, string? datatype, FeatureSketch[] features, ref int column)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Feed(item, datatype, features, ref column);
            }

            return;
        }

        var feature = features[column];
        column = (column + 1) % features.Length;
        switch (element.ValueKind)
        {
            case JsonValueKind.String when datatype == "BYTES": feature.AddText(System.Text.Encoding.UTF8.GetBytes(element.GetString()!)); break;
            case JsonValueKind.Number when IsInteger(datatype) && element.TryGetInt64(out var integer): feature.AddInteger(integer); break;
            case JsonValueKind.Number: feature.Add(element.GetDouble()); break;
            case JsonValueKind.String when NonFinite(element.GetString()) is { } value: feature.Add(value); break;
            case JsonValueKind.True: feature.AddInteger(1); break;
            case JsonValueKind.False: feature.AddInteger(0); break;
            default: throw new InvalidDataException($"tensor data must be numbers, booleans or (BYTES) strings, got {element.ValueKind}");
        }
    }

    // Python's json writes NaN, Infinity and -Infinity bare, as the server accepts them; JsonDocument does not, so they
    // are read from a copy in which each is a string of the same length (NonFiniteJsonTokens), read back below. Offline,
    // a sample that spells one of those strings in numeric data is read as the token rather than refused.
    private static byte[] WithoutNonFiniteTokens(string line)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(line);
        if (!NonFiniteJsonTokens.MayContain(utf8))
        {
            return utf8;
        }

        var copy = new byte[utf8.Length];
        NonFiniteJsonTokens.Rewrite(utf8, copy);
        return copy;
    }

    private static double? NonFinite(string? replaced) => replaced switch
    {
        "N" => double.NaN,
        "Infini" => double.PositiveInfinity,
        "-Infini" => double.NegativeInfinity,
        _ => null,
    };

    private static bool IsInteger(string? datatype) => datatype is "INT8" or "INT16" or "INT32" or "INT64" or "UINT8" or "UINT16" or "UINT32" or "UINT64";

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine($"usage: inference-server {Name} --input <requests.jsonl> --output <drift_reference.json> [--max-columns 256]");
        Console.Error.WriteLine($"       inference-server {Name} --csv <train.csv> [--tensor INPUT0] --output <drift_reference.json>");
        return 2;
    }
}
