using SharpFuzz;

namespace InferenceServer.FuzzTargets.Running;

/// <summary>
/// Runs a target under afl-fuzz through SharpFuzz's fork server. The parser runs in a child process, so an
/// uncatchable failure (a stack overflow) is reported as a crash instead of ending the fuzzer. Outside
/// afl-fuzz it runs the target once on standard input, which replays a crash file.
/// </summary>
internal static class AflRunner
{
    /// <param name="createTarget">
    /// Called inside the fork server, on the first input: instrumented code that runs before SharpFuzz has
    /// set up the coverage map (building the sample models parses their configs) crashes the process.
    /// </param>
    public static void Run(Func<IFuzzTarget> createTarget)
    {
        IFuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= createTarget();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Execute(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
    }
}
