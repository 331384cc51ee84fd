using YamlDotNet.RepresentationModel;

namespace InferenceServer.FunctionalTests.Deployment;

/// <summary>
/// A YAML document as plain values — mappings as <c>Dictionary&lt;string, object?&gt;</c>, sequences as
/// <c>List&lt;object?&gt;</c>, scalars as their text — so checks can read and tests can mutate it freely.
/// Readers answer null for a missing path and throw when a node has the wrong shape.
/// </summary>
internal static class YamlTree
{
    public static object? From(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => From(p.Value), StringComparer.Ordinal),
        YamlSequenceNode seq => seq.Children.Select(From).ToList(),
        YamlScalarNode scalar => scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "" or "~" or "null" ? null : scalar.Value,
        _ => throw new InvalidOperationException($"unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    /// <summary>The node at <paramref name="path"/> (mapping keys, or list indexes as numbers); null when absent.</summary>
    public static object? At(object? node, params object[] path)
    {
        foreach (var step in path)
        {
            node = (node, step) switch
            {
                (null, _) => null,
                (Dictionary<string, object?> map, string key) => map.GetValueOrDefault(key),
                (List<object?> list, int index) => index < list.Count ? list[index] : null,
                _ => throw new InvalidOperationException($"'{step}' does not apply to a {node.GetType().Name}"),
            };
        }

        return node;
    }

    public static Dictionary<string, object?>? Map(object? node, params object[] path) => At(node, path) switch
    {
        null => null,
        Dictionary<string, object?> map => map,
        var other => throw new InvalidOperationException($"{string.Join('.', path)} is a {other.GetType().Name}, not a mapping"),
    };

    public static List<object?> List(object? node, params object[] path) => At(node, path) switch
    {
        null => [],
        List<object?> list => list,
        var other => throw new InvalidOperationException($"{string.Join('.', path)} is a {other.GetType().Name}, not a sequence"),
    };

    public static IEnumerable<Dictionary<string, object?>> Maps(object? node, params object[] path) =>
        List(node, path).Select((item, i) => item as Dictionary<string, object?> ?? throw new InvalidOperationException($"{string.Join('.', path)}[{i}] is not a mapping"));

    public static string? Text(object? node, params object[] path) => At(node, path) switch
    {
        null => null,
        string text => text,
        var other => throw new InvalidOperationException($"{string.Join('.', path)} is a {other.GetType().Name}, not a scalar"),
    };

    public static IReadOnlyList<string> Texts(object? node, params object[] path) =>
        List(node, path).Select((item, i) => item as string ?? throw new InvalidOperationException($"{string.Join('.', path)}[{i}] is not a scalar")).ToList();

    public static int? Int(object? node, params object[] path) =>
        Text(node, path) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>A node as YAML text (scalar styles kept, so plain numbers stay numbers).</summary>
    public static string ToYaml(YamlNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
