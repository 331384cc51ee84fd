namespace InferenceServer.Core.Tracing;

/// <summary>
/// Where a trace file may be written. A path the operator gives on the command line is taken as it is; through the
/// trace API a client may only name a file inside the directory the operator chose (<c>--trace-directory</c>), never a
/// path: Triton let clients choose any file and had to take that back (the CVE-2024-0087 class of bug: a client that
/// chooses a path writes over any file the server can write). Without the directory the API cannot change the file.
/// </summary>
public sealed class TraceFilePolicy
{
    /// <param name="directory">The operator's directory for files named through the API; "" = none.</param>
    public TraceFilePolicy(string directory)
    {
        Directory = directory.Length == 0 ? "" : Path.GetFullPath(directory);
    }

    /// <summary>The directory's full path; "" when the API may not choose a file.</summary>
    public string Directory { get; }

    /// <summary>
    /// The full path for a <c>trace_file</c> value sent through the API: a plain file name inside <see cref="Directory"/>.
    /// <paramref name="current"/> (the path in force, which reads show) is accepted unchanged so a read-modify-write
    /// round trip works; "" turns the file off. Returns the error (naming the field) or null.
    /// </summary>
    public string? TryResolve(string value, string current, out string path)
    {
        path = value;
        if (value.Length == 0 || value == current)
        {
            return null;
        }

        if (Directory.Length == 0)
        {
            return "trace_file: the trace API cannot choose a file on this server; the operator sets it with --trace-config triton,file=<path>, or allows file names under a directory with --trace-directory";
        }

        if (value.IndexOfAny(['/', '\\', '\0']) >= 0 || value is "." or ".." || Path.IsPathRooted(value))
        {
            return $"trace_file: must be a file name inside the server's trace directory, without '/' or '\\', got '{Models.ModelNames.Printable(value)}'";
        }

        path = Path.Combine(Directory, value);
        return null;
    }
}
