using System.Globalization;
using InferenceServer.Core.Memory;

namespace InferenceServer.Hosting.Flags;

/// <summary>Triton's <c>&lt;GPU ordinal&gt;:&lt;bytes&gt;</c>, e.g. <c>0:67108864</c>.</summary>
internal sealed class GpuByteBudgetValue : IFlagValue<KeyValuePair<int, long>>
{
    public static readonly GpuByteBudgetValue Instance = new();

    private GpuByteBudgetValue()
    {
    }

    public string? Accepts => "<gpu>:<bytes>";

    public string? Parse(string flag, string text, out KeyValuePair<int, long> value)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var gpu)
            && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            value = new(gpu, bytes);
            return null;
        }

        value = default;
        return string.Create(CultureInfo.InvariantCulture, $"--{flag} must be <gpu>:<bytes> (e.g. 0:{DeviceMemoryPool.DefaultByteBudget}), got '{text}'");
    }

    public string Format(KeyValuePair<int, long> value) => string.Create(CultureInfo.InvariantCulture, $"{value.Key}:{value.Value}");
}
