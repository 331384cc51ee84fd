using System.Diagnostics;
using CsCheck;
using InferenceServer.FuzzTargets.Mutations;

namespace InferenceServer.FuzzTargets.Running;

/// <summary>
/// Fuzzes a target without afl-fuzz: CsCheck draws a seed and a stack of <see cref="Mutation"/>s, on one
/// thread, for a time or a number of inputs. There is no coverage feedback; breadth is estimated from the
/// number of distinct outcomes. A failure is shrunk by CsCheck, its smallest input written to the findings
/// folder, and the CsCheck seed printed so the run can be replayed.
/// </summary>
internal static class MutationRunner
{
    public static int Run(IFuzzTarget target, MutationRunOptions options)
    {
        var seeds = LoadSeeds(target, options.Corpus);
        var outcomes = new Dictionary<string, long>(StringComparer.Ordinal);
        long executions = 0, accepted = 0;
        MutatedInput? smallestFailure = null;
        var clock = Stopwatch.StartNew();
        try
        {
            MutationGen.Mutated(seeds).Sample(
                input =>
                {
                    executions++;
                    string label;
                    try
                    {
                        label = target.Execute(input.Bytes);
                    }
                    catch
                    {
                        if (smallestFailure is null || input.Bytes.Length < smallestFailure.Bytes.Length)
                        {
                            smallestFailure = input;
                        }

                        throw;
                    }

                    var anyAccepted = false;
                    foreach (var line in label.Split('\n'))
                    {
                        outcomes[line] = outcomes.GetValueOrDefault(line) + 1;
                        anyAccepted |= line.EndsWith(Targets.OutcomeLabel.Accepted, StringComparison.Ordinal);
                    }

                    accepted += anyAccepted ? 1 : 0;
                },
                writeLine: Console.WriteLine,
                seed: options.Seed,
                iter: options.Seconds > 0 ? -1 : options.Iterations,
                time: options.Seconds > 0 ? options.Seconds : -1,
                threads: 1,
                print: input => input.ToString());
        }
        catch (CsCheckException ex)
        {
            Console.WriteLine(ex.Message);
            Console.WriteLine(ex.InnerException);
            if (smallestFailure is not null)
            {
                Directory.CreateDirectory(options.Findings);
                var path = Path.Combine(options.Findings, $"{target.Name}-crash-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(smallestFailure.Bytes))[..16]}{target.Extension}");
                File.WriteAllBytes(path, smallestFailure.Bytes);
                Console.WriteLine($"{target.Name}: smallest failing input written to {path}");
            }

            PrintSummary(target, executions, accepted, outcomes, clock.Elapsed, failed: true);
            return 1;
        }

        PrintSummary(target, executions, accepted, outcomes, clock.Elapsed, failed: false);
        return 0;
    }

    private static List<(string Name, byte[] Bytes)> LoadSeeds(IFuzzTarget target, string? corpus)
    {
        if (corpus is null)
        {
            return [.. target.Seeds];
        }

        var files = Directory.EnumerateFiles(corpus).Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f))).ToList();
        return files.Count > 0 ? files : throw new ArgumentException($"the corpus folder '{corpus}' has no files", nameof(corpus));
    }

    private static void PrintSummary(IFuzzTarget target, long executions, long accepted, Dictionary<string, long> outcomes, TimeSpan elapsed, bool failed)
    {
        Console.WriteLine(
            $"{target.Name}: {executions} inputs in {elapsed.TotalSeconds:F0} s ({executions / Math.Max(elapsed.TotalSeconds, 0.001):F0}/s), " +
            $"{(failed ? "FAILED" : "no failure")}, {accepted} accepted by at least one model, {outcomes.Count} distinct outcomes");
        foreach (var (label, count) in outcomes.OrderByDescending(o => o.Value).Take(12))
        {
            Console.WriteLine($"  {count,10}  {label}");
        }
    }
}
