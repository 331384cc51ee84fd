using System.Text.Json;

namespace InferenceServer.Benchmarks.Budgets;

/// <summary>
/// perf/allocation-budgets.json: the most bytes each budgeted benchmark may allocate per operation.
/// <code>
/// { "headroom": "...", "budgets": { "HttpInferBenchmarks.ParseBinary": 0, "InstanceExecuteBenchmarks.Execute1(Model=Simple)": 608, ... } }
/// </code>
/// A key is <c>Class.Method</c>, followed for a class with <c>[Params]</c> by <c>(Name=Value, ...)</c> naming every
/// parameter, as BenchmarkDotNet prints them. Read with <see cref="JsonDocument"/>: no serializer metadata needed.
/// </summary>
internal static class AllocationBudgetFile
{
    public static IReadOnlyList<AllocationBudget> Read(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!document.RootElement.TryGetProperty("budgets", out var budgets) || budgets.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: expected an object \"budgets\" of benchmark → bytes per operation");
        }

        var result = new List<AllocationBudget>();
        foreach (var entry in budgets.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt64(out var bytes) || bytes < 0)
            {
                throw new FormatException($"{path}: budget of '{entry.Name}' must be a non-negative integer of bytes");
            }

            result.Add(AllocationBudget.Parse(entry.Name, bytes));
        }

        return result;
    }
}
