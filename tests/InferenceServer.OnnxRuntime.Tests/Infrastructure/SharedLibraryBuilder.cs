using System.Diagnostics;

namespace InferenceServer.OnnxRuntime.Tests.Infrastructure;

/// <summary>
/// Builds tiny real ELF shared libraries with the machine's C compiler (clang or gcc, which the test script installs
/// for the native-AOT publish), each with a soname and <c>DT_NEEDED</c> entries of our choosing, so library discovery
/// is tested against the real dynamic linker.
/// </summary>
internal static class SharedLibraryBuilder
{
    /// <summary>Builds <paramref name="folder"/>/<paramref name="soname"/>, needing <paramref name="needs"/> (full paths), in that order.</summary>
    public static string Build(string folder, string soname, params string[] needs)
    {
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, soname);
        var source = Path.Combine(folder, soname + ".c");
        // A symbol named after the library, so no two of them clash in the test process.
        File.WriteAllText(source, $"int {Symbol(soname)}(void) {{ return 1; }}\n");

        var start = new ProcessStartInfo(Compiler()) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-shared", "-fPIC", "-o", output, source, $"-Wl,-soname,{soname}", "-Wl,--no-as-needed"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var need in needs)
        {
            start.ArgumentList.Add($"-L{Path.GetDirectoryName(need)}");
            start.ArgumentList.Add($"-l:{Path.GetFileName(need)}");
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{start.FileName} failed building {soname}: {errors}");
        File.Delete(source);
        return output;
    }

    private static string Symbol(string soname) => "built_" + new string(soname.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Compiler()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':');
        return ((string[])["clang", "gcc", "cc"]).SelectMany(c => path.Select(p => Path.Combine(p, c))).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("no C compiler (clang or gcc) on PATH; tests/run.sh installs clang");
    }
}
