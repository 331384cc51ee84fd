using System.Text;

namespace InferenceServer.LoadTool.Reporting;

/// <summary>Writes each line with a prefix (the scenario's name), so scenarios running side by side can share standard error.</summary>
internal sealed class PrefixedWriter(TextWriter inner, string prefix) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => inner.Write(value);

    public override void WriteLine(string? value) => inner.WriteLine(prefix + value);

    public override void Flush() => inner.Flush();
}
