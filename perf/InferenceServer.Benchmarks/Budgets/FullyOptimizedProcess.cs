using System.Diagnostics;

namespace InferenceServer.Benchmarks.Budgets;

/// <summary>
/// Runs the budget check in a child process with tiered compilation off (<c>DOTNET_TieredCompilation=0</c>):
/// every method is compiled fully optimized on its first call and never recompiled. With tiering on, whether a
/// method has reached tier 1 with dynamic PGO when a round is measured depends on timing (on a loaded 2-core
/// machine it often has not after a second), and tier 1 removes some allocations (enumerators, delegates and
/// ONNX Runtime's iterators stack-allocated): the same code would measure 0 or 80 bytes from run to run. Without
/// tiering the synchronous benchmarks measure the same bytes every run — and, without dynamic PGO, the code is
/// closer to what the native-AOT server runs.
/// </summary>
internal static class FullyOptimizedProcess
{
    private const string Variable = "DOTNET_TieredCompilation";

    public static bool IsCurrent => Environment.GetEnvironmentVariable(Variable) == "0";

    /// <summary>Runs this program again with the same arguments and tiering off; returns its exit code.</summary>
    public static int Relaunch(string[] args)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which executable runs this process");
        var startInfo = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            // Started as `dotnet InferenceServer.Benchmarks.dll`: name the assembly again.
            startInfo.ArgumentList.Add(typeof(FullyOptimizedProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment[Variable] = "0";
        using var child = Process.Start(startInfo) ?? throw new InvalidOperationException($"cannot start {host}");
        child.WaitForExit();
        return child.ExitCode;
    }
}
