namespace InferenceServer.FuzzTargets.Running;

/// <summary>Runs a target once on each file given (files, or folders of files): how a crash found by afl-fuzz is reproduced with a debugger attached.</summary>
internal static class ReplayRunner
{
    public static int Run(IFuzzTarget target, IEnumerable<string> paths)
    {
        var files = paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]);
        var count = 0;
        foreach (var file in files)
        {
            var label = target.Execute(File.ReadAllBytes(file));
            Console.WriteLine($"{file}: {label.Replace('\n', ';')}");
            count++;
        }

        Console.WriteLine($"{target.Name}: {count} files replayed without failure");
        return 0;
    }
}
