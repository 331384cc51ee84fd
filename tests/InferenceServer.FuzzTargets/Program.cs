using System.Globalization;
using InferenceServer.FuzzTargets.Running;
using InferenceServer.FuzzTargets.Targets;

namespace InferenceServer.FuzzTargets;

/// <summary>
/// Fuzz targets for the request and config parsers (see docs/fuzzing.md):
/// <code>
/// InferenceServer.FuzzTargets &lt;json|binary|grpc|pbtxt&gt; afl                      under afl-fuzz (SharpFuzz)
/// InferenceServer.FuzzTargets &lt;target|all&gt; run [--seconds S | --iterations N] [--seed X] [--corpus DIR] [--findings DIR]
/// InferenceServer.FuzzTargets &lt;target&gt; replay FILE|DIR...                          run saved inputs once
/// InferenceServer.FuzzTargets seed DIR                                              write the seed corpora
/// </code>
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: InferenceServer.FuzzTargets <json|binary|grpc|pbtxt> afl
               InferenceServer.FuzzTargets <json|binary|grpc|pbtxt|all> run [--seconds S | --iterations N] [--seed X] [--corpus DIR] [--findings DIR]
               InferenceServer.FuzzTargets <json|binary|grpc|pbtxt> replay FILE|DIR...
               InferenceServer.FuzzTargets seed DIR
        """;

    public static int Main(string[] args)
    {
        if (args is ["seed", var root])
        {
            return CorpusWriter.Write(root);
        }

        if (args.Length < 2 || (args[0] != "all" && !FuzzTargetCatalog.Names.Contains(args[0])))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (args[1])
        {
            case "afl" when args.Length == 2 && args[0] != "all":
                AflRunner.Run(() => FuzzTargetCatalog.Create(args[0]));
                return 0;
            case "replay" when args.Length > 2 && args[0] != "all":
                return ReplayRunner.Run(FuzzTargetCatalog.Create(args[0]), args[2..]);
            case "run":
                return RunMutations(args[0], args[2..]);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int RunMutations(string targetName, string[] flags)
    {
        int seconds = 0;
        long iterations = 10_000;
        string? seed = null, corpus = null;
        var findings = "fuzz-findings";
        for (var i = 0; i + 1 < flags.Length; i += 2)
        {
            var value = flags[i + 1];
            switch (flags[i])
            {
                case "--seconds": seconds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--iterations": iterations = long.Parse(value, CultureInfo.InvariantCulture); break;
                case "--seed": seed = value; break;
                case "--corpus": corpus = value; break;
                case "--findings": findings = value; break;
                default:
                    Console.Error.WriteLine($"unknown option '{flags[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (flags.Length % 2 != 0)
        {
            Console.Error.WriteLine($"option '{flags[^1]}' needs a value\n{Usage}");
            return 2;
        }

        // "all" shares the time (or the iterations) equally between the targets, one after another.
        string[] names = targetName == "all" ? FuzzTargetCatalog.Names : [targetName];
        var failures = 0;
        foreach (var name in names)
        {
            var options = new MutationRunOptions(seconds / names.Length, iterations / names.Length, seed, corpus, findings);
            failures += MutationRunner.Run(FuzzTargetCatalog.Create(name), options);
        }

        return failures == 0 ? 0 : 1;
    }
}
