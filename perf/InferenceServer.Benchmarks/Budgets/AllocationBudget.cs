namespace InferenceServer.Benchmarks.Budgets;

/// <summary>One budget: the benchmark (class, method, parameter values) and the most bytes it may allocate per operation.</summary>
internal sealed record AllocationBudget(string Key, string Class, string Method, IReadOnlyList<KeyValuePair<string, string>> Parameters, long MaxBytesPerOperation)
{
    /// <summary>The class and its parameter values: the benchmarks of one group share one instance and one [GlobalSetup].</summary>
    public string Group => Parameters.Count == 0 ? Class : $"{Class}({string.Join(", ", Parameters.Select(p => $"{p.Key}={p.Value}"))})";

    /// <summary>Parses <c>Class.Method</c> or <c>Class.Method(Name=Value, Name=Value)</c>.</summary>
    public static AllocationBudget Parse(string key, long maxBytesPerOperation)
    {
        var open = key.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? key : key[..open];
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || dot == name.Length - 1 || (open >= 0 && !key.EndsWith(')')))
        {
            throw new FormatException($"'{key}': expected Class.Method or Class.Method(Name=Value, ...)");
        }

        var parameters = new List<KeyValuePair<string, string>>();
        if (open >= 0)
        {
            foreach (var pair in key[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    throw new FormatException($"'{key}': parameter '{pair}' is not Name=Value");
                }

                parameters.Add(new(pair[..equals].Trim(), pair[(equals + 1)..].Trim()));
            }
        }

        return new AllocationBudget(key, name[..dot], name[(dot + 1)..], parameters, maxBytesPerOperation);
    }
}
