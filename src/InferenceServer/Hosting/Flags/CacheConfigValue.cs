using InferenceServer.Core.Caching;

namespace InferenceServer.Hosting.Flags;

/// <summary>One <c>--cache-config</c> value, as tritonserver spells it (<see cref="ResponseCacheConfig"/>).</summary>
internal sealed class CacheConfigValue : IFlagValue<string>
{
    public static readonly CacheConfigValue Instance = new();

    private CacheConfigValue()
    {
    }

    public string? Accepts => "local,size=<bytes> | redis,<key>=<value>";

    public string? Parse(string flag, string text, out string value)
    {
        value = text;
        return ResponseCacheConfig.CheckEntry(text);
    }

    public string Format(string value) => value;
}
