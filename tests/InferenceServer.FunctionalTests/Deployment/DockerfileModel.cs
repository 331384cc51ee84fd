using System.Text.Json;
using System.Text.RegularExpressions;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// A Dockerfile read the way the builder reads it, far enough for the checks: comments and line continuations
/// removed, instructions grouped into stages, <c>ARG</c> defaults declared before the first <c>FROM</c>
/// substituted where the builder would.
/// </summary>
internal sealed partial class DockerfileModel
{
    private DockerfileModel(Dictionary<string, string> globalArgs, List<Stage> stages)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    /// <summary>ARGs before the first FROM, with their defaults (usable in FROM lines and, redeclared, in stages).</summary>
    public Dictionary<string, string> GlobalArgs { get; }

    public List<Stage> Stages { get; }

    public Stage? this[string name] => Stages.Find(s => s.Name == name);

    /// <summary>The stage the build ends with (what <c>docker build</c> tags).</summary>
    public Stage Final => Stages[^1];

    public static DockerfileModel Parse(string text)
    {
        var globalArgs = new Dictionary<string, string>(StringComparer.Ordinal);
        var stages = new List<Stage>();
        foreach (var (keyword, arguments) in Instructions(text))
        {
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var image = Substitute(parts[0], globalArgs);
                var name = parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add(new Stage(name, image, parts[0], []));
            }
            else if (stages.Count == 0)
            {
                if (keyword == "ARG")
                {
                    var eq = arguments.IndexOf('=', StringComparison.Ordinal);
                    globalArgs[eq < 0 ? arguments : arguments[..eq]] = eq < 0 ? "" : arguments[(eq + 1)..];
                }
            }
            else
            {
                stages[^1].Instructions.Add((keyword, arguments));
            }
        }

        return new DockerfileModel(globalArgs, stages);
    }

    /// <summary>
    /// Replaces <c>${NAME}</c> and <c>$NAME</c> with global ARG defaults. Within a stage the builder substitutes
    /// only ARGs the stage redeclares; <see cref="Stage.Resolve"/> enforces that.
    /// </summary>
    public static string Substitute(string text, IReadOnlyDictionary<string, string> args) =>
        Variable().Replace(text, m => args.TryGetValue(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, out var value) ? value : m.Value);

    /// <summary>Instructions as (KEYWORD, arguments): comment lines dropped, continuations joined.</summary>
    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string text)
    {
        var current = new System.Text.StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]).Append(' ');
                continue;
            }

            current.Append(line);
            var instruction = current.ToString().Trim();
            current.Clear();
            if (instruction.Length == 0)
            {
                continue;
            }

            var space = instruction.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0
                ? (instruction.ToUpperInvariant(), "")
                : (instruction[..space].ToUpperInvariant(), Whitespace().Replace(instruction[(space + 1)..], " ").Trim());
        }
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <param name="From">The base image or stage, global ARGs substituted.</param>
    /// <param name="FromAsWritten">The base as written (<c>runtime-${FLAVOR}</c>).</param>
    internal sealed record Stage(string? Name, string From, string FromAsWritten, List<(string Keyword, string Arguments)> Instructions)
    {
        public IEnumerable<string> All(string keyword) => Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        public string? Last(string keyword) => All(keyword).LastOrDefault();

        /// <summary>Substitutes the global ARGs this stage redeclares (a bare <c>ARG NAME</c> inherits the default).</summary>
        public string Resolve(string text, DockerfileModel file)
        {
            var visible = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var arg in All("ARG"))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                var name = eq < 0 ? arg : arg[..eq];
                visible[name] = eq >= 0 ? arg[(eq + 1)..] : file.GlobalArgs.GetValueOrDefault(name, "");
            }

            return Substitute(text, visible);
        }

        /// <summary>An exec-form instruction's argv (<c>["a", "b"]</c>); null for the shell form.</summary>
        public static IReadOnlyList<string>? ExecForm(string? arguments) =>
            arguments is not null && arguments.StartsWith('[')
                ? JsonSerializer.Deserialize<List<string>>(arguments)
                : null;
    }
}
