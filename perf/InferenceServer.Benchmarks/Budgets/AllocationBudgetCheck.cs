using System.Diagnostics;
using System.Globalization;

namespace InferenceServer.Benchmarks.Budgets;

/// <summary>
/// <c>--check-budgets FILE [SUBSTRING]</c>: runs every benchmark that FILE budgets (or those whose key contains
/// SUBSTRING) in this process — each class set up once per parameter set as BenchmarkDotNet would, each method
/// measured by <see cref="AllocationMeter"/> — and prints measured bytes per operation next to the budget. Exits
/// 1 naming every benchmark over its budget, 0 when all hold. A benchmark is over budget when the smallest of its
/// rounds, rounded to the nearest byte, exceeds the budget. The suggested budget printed for each is the rule the
/// checked-in values follow: the measurement rounded up to the next multiple of 16 bytes, 0 staying 0.
/// </summary>
internal static class AllocationBudgetCheck
{
    public const string Flag = "--check-budgets";

    public static int Run(string path, string? filter)
    {
        var budgets = AllocationBudgetFile.Read(path)
            .Where(b => filter is null || b.Key.Contains(filter, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (budgets.Count == 0)
        {
            Console.Error.WriteLine($"{path}: no budget matches '{filter}'");
            return 2;
        }

        var types = typeof(AllocationBudgetCheck).Assembly.GetTypes().Where(t => t.IsPublic && t.IsClass).ToDictionary(t => t.Name);
        var clock = Stopwatch.StartNew();
        var over = new List<string>();
        Console.WriteLine($"Allocation budgets from {path}: bytes per operation, smallest of {AllocationMeter.Rounds} rounds after warm-up");
        Console.WriteLine($"{"benchmark",-70} {"measured",9} {"budget",7} {"suggested",9}  verdict   rounds");
        foreach (var group in budgets.GroupBy(b => b.Group))
        {
            var first = group.First();
            if (!types.TryGetValue(first.Class, out var type))
            {
                throw new InvalidOperationException($"{path}: no benchmark class '{first.Class}' (key '{first.Key}')");
            }

            using var instance = new BenchmarkInstance(type, first.Parameters);
            foreach (var budget in group)
            {
                var invoke = instance.Method(budget.Method, out var operationsPerInvoke, out var awaitable);
                var rounds = AllocationMeter.Measure(invoke, operationsPerInvoke, awaitable);
                var measured = Math.Round(rounds.Min(), MidpointRounding.AwayFromZero);
                var pass = measured <= budget.MaxBytesPerOperation;
                if (!pass)
                {
                    over.Add($"{budget.Key}: {measured:F0} B per operation, budget {budget.MaxBytesPerOperation} B");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{budget.Key,-70} {measured,9:F0} {budget.MaxBytesPerOperation,7} {Suggested(rounds.Min()),9}  {(pass ? "ok" : "OVER"),-8}  {string.Join(" / ", rounds.Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))}"));
            }
        }

        Console.WriteLine($"{budgets.Count} benchmarks in {clock.Elapsed.TotalSeconds:F1} s");
        if (over.Count == 0)
        {
            Console.WriteLine("every benchmark is within its allocation budget");
            return 0;
        }

        Console.Error.WriteLine($"{over.Count} benchmark(s) allocate more than their budget in {path}:");
        foreach (var line in over)
        {
            Console.Error.WriteLine("  " + line);
        }

        Console.Error.WriteLine("If the growth is intended, raise the budget to the suggested value and say why in the commit.");
        return 1;
    }

    /// <summary>The checked-in rule: up to the next multiple of 16 bytes; under half a byte is 0.</summary>
    public static long Suggested(double bytesPerOperation) =>
        bytesPerOperation < 0.5 ? 0 : ((long)Math.Ceiling(bytesPerOperation) + 15) / 16 * 16;
}
