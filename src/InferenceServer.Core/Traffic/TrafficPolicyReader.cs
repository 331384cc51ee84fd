using System.Text;
using System.Text.Json;
using InferenceServer.Core.Models.Repository;

namespace InferenceServer.Core.Traffic;

/// <summary>
/// Reads the JSON form of a <see cref="TrafficPolicy"/> token by token (no reflection, so AOT-safe). This layer
/// checks the shape: known field names, each given once, value kinds, versions spelled like version folders,
/// integers where integers belong. Ranges and rules between fields are left to
/// <see cref="TrafficPolicy.TryCreate"/>, so the file, the API and code that builds a policy share one set of
/// rules and messages. A JSON <c>null</c> counts as the field being absent. Errors name the JSON path.
/// </summary>
internal ref struct TrafficPolicyReader
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow };

    private readonly ReadOnlySpan<byte> _json;
    private Utf8JsonReader _reader;
    private string _error;

    public TrafficPolicyReader(ReadOnlySpan<byte> utf8Json)
    {
        // A UTF-8 byte order mark may precede JSON text (RFC 8259 §8.1) but Utf8JsonReader rejects it.
        _json = utf8Json.StartsWith("\uFEFF"u8) ? utf8Json[3..] : utf8Json;
        _reader = new Utf8JsonReader(_json, Options);
        _error = string.Empty;
    }

    public bool TryRead(out TrafficPolicy? policy, out string error)
    {
        policy = null;
        try
        {
            if (_json.Trim(" \t\r\n"u8).IsEmpty)
            {
                error = "the JSON text is empty; {} is the policy with no canary, shadow or rollback";
                return false;
            }

            if (!ReadPolicy(out var weights, out var shadows, out var rollback))
            {
                error = _error;
                return false;
            }

            // Reading past the top-level object makes Utf8JsonReader reject anything after it.
            _ = _reader.Read();
            return TrafficPolicy.TryCreate(weights, shadows, rollback, out policy, out error);
        }
        catch (JsonException e)
        {
            // Utf8JsonReader appends its 0-based position to the message; report it once, 1-based, up front.
            var message = e.Message;
            var suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix >= 0)
            {
                message = message[..suffix];
            }

            error = $"invalid JSON at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}: {message}";
            return false;
        }
    }

    private bool ReadPolicy(out List<VersionWeight> weights, out List<ShadowTarget> shadows, out RollbackPolicy? rollback)
    {
        weights = [];
        shadows = [];
        rollback = null;
        _ = _reader.Read();
        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail($"a traffic policy must be a JSON object, got {Describe()}");
        }

        bool seenWeights = false, seenShadow = false, seenRollback = false;
        while (NextProperty())
        {
            if (_reader.ValueTextEquals("weights"u8))
            {
                if (!Once(ref seenWeights, "weights") || !ReadWeights(weights))
                {
                    return false;
                }
            }
            else if (_reader.ValueTextEquals("shadow"u8))
            {
                if (!Once(ref seenShadow, "shadow") || !ReadShadows(shadows))
                {
                    return false;
                }
            }
            else if (_reader.ValueTextEquals("rollback"u8))
            {
                if (!Once(ref seenRollback, "rollback") || !ReadRollback(out rollback))
                {
                    return false;
                }
            }
            else
            {
                return Fail($"\"{_reader.GetString()}\" is not a traffic policy field (weights, shadow, rollback)");
            }
        }

        return true;
    }

    private bool ReadWeights(List<VersionWeight> weights)
    {
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail($"weights must be an object of version → weight, such as {{ \"1\": 90, \"2\": 10 }}, got {Describe()}");
        }

        while (NextProperty())
        {
            var name = _reader.GetString()!;
            if (!ModelRepository.TryParseVersion(name, out var version))
            {
                return Fail($"weights.\"{name}\" must be a version: a positive integer without leading zeros");
            }

            _ = _reader.Read();
            if (!TryInt32(out var weight))
            {
                return Fail($"weights.\"{name}\" must be an integer from 0 to {int.MaxValue}, got {Describe()}");
            }

            weights.Add(new VersionWeight(version, weight));
        }

        return true;
    }

    private bool ReadShadows(List<ShadowTarget> shadows)
    {
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (_reader.TokenType != JsonTokenType.StartArray)
        {
            return Fail($"shadow must be an array of {{ \"version\", \"percent\", \"queue_size\" }} objects, got {Describe()}");
        }

        while (_reader.Read() && _reader.TokenType != JsonTokenType.EndArray)
        {
            var path = $"shadow[{shadows.Count}]";
            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail($"{path} must be an object with version and percent, got {Describe()}");
            }

            long? version = null;
            double? percent = null;
            int? queueSize = null;
            bool seenVersion = false, seenPercent = false, seenQueueSize = false;
            while (NextProperty())
            {
                if (_reader.ValueTextEquals("version"u8))
                {
                    if (!Once(ref seenVersion, $"{path}.version") || !ReadVersion($"{path}.version", out version))
                    {
                        return false;
                    }
                }
                else if (_reader.ValueTextEquals("percent"u8))
                {
                    if (!Once(ref seenPercent, $"{path}.percent") || !ReadNumber($"{path}.percent", out percent))
                    {
                        return false;
                    }
                }
                else if (_reader.ValueTextEquals("queue_size"u8))
                {
                    if (!Once(ref seenQueueSize, $"{path}.queue_size") || !ReadInt32($"{path}.queue_size", out queueSize))
                    {
                        return false;
                    }
                }
                else
                {
                    return Fail($"{path}.\"{_reader.GetString()}\" is not a shadow field (version, percent, queue_size)");
                }
            }

            if (version is null)
            {
                return Fail($"{path}.version is required");
            }

            if (percent is null)
            {
                return Fail($"{path}.percent is required");
            }

            shadows.Add(new ShadowTarget(version.Value, percent.Value, queueSize ?? ShadowTarget.DefaultQueueSize));
        }

        return true;
    }

    private bool ReadRollback(out RollbackPolicy? rollback)
    {
        rollback = null;
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (_reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail($"rollback must be an object with canary and max_error_rate or max_p99_ratio, got {Describe()}");
        }

        long? canary = null;
        double? maxErrorRate = null, maxP99Ratio = null;
        int? windowSeconds = null, minRequests = null;
        bool seenCanary = false, seenErrorRate = false, seenP99Ratio = false, seenWindow = false, seenMinRequests = false;
        while (NextProperty())
        {
            var ok = _reader.ValueTextEquals("canary"u8)
                ? Once(ref seenCanary, "rollback.canary") && ReadVersion("rollback.canary", out canary)
                : _reader.ValueTextEquals("max_error_rate"u8)
                ? Once(ref seenErrorRate, "rollback.max_error_rate") && ReadNumber("rollback.max_error_rate", out maxErrorRate)
                : _reader.ValueTextEquals("max_p99_ratio"u8)
                ? Once(ref seenP99Ratio, "rollback.max_p99_ratio") && ReadNumber("rollback.max_p99_ratio", out maxP99Ratio)
                : _reader.ValueTextEquals("window_seconds"u8)
                ? Once(ref seenWindow, "rollback.window_seconds") && ReadInt32("rollback.window_seconds", out windowSeconds)
                : _reader.ValueTextEquals("min_requests"u8)
                ? Once(ref seenMinRequests, "rollback.min_requests") && ReadInt32("rollback.min_requests", out minRequests)
                : Fail($"rollback.\"{_reader.GetString()}\" is not a rollback field (canary, max_error_rate, max_p99_ratio, window_seconds, min_requests)");
            if (!ok)
            {
                return false;
            }
        }

        if (canary is null)
        {
            return Fail("rollback.canary is required");
        }

        rollback = new RollbackPolicy(canary.Value)
        {
            MaxErrorRate = maxErrorRate,
            MaxP99Ratio = maxP99Ratio,
            WindowSeconds = windowSeconds ?? RollbackPolicy.DefaultWindowSeconds,
            MinRequests = minRequests ?? RollbackPolicy.DefaultMinRequests,
        };
        return true;
    }

    // Versions are strings, as in the KServe v2 protocol and the weights' keys, so "3" and 3 never both appear.
    private bool ReadVersion(string path, out long? version)
    {
        version = null;
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (_reader.TokenType != JsonTokenType.String)
        {
            return Fail($"{path} must be a version string such as \"3\", got {Describe()}");
        }

        var text = _reader.GetString()!;
        if (!ModelRepository.TryParseVersion(text, out var value))
        {
            return Fail($"{path} must be a version: a positive integer without leading zeros, got \"{text}\"");
        }

        version = value;
        return true;
    }

    private bool ReadNumber(string path, out double? value)
    {
        value = null;
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (_reader.TokenType != JsonTokenType.Number || !_reader.TryGetDouble(out var number))
        {
            return Fail($"{path} must be a number, got {Describe()}");
        }

        value = number;
        return true;
    }

    private bool ReadInt32(string path, out int? value)
    {
        value = null;
        _ = _reader.Read();
        if (_reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (!TryInt32(out var number))
        {
            return Fail($"{path} must be an integer, got {Describe()}");
        }

        value = number;
        return true;
    }

    private bool TryInt32(out int value)
    {
        value = 0;
        return _reader.TokenType == JsonTokenType.Number && _reader.TryGetInt32(out value);
    }

    // Moves to the next property name of the current object; false at its end.
    private bool NextProperty() => _reader.Read() && _reader.TokenType == JsonTokenType.PropertyName;

    private bool Once(ref bool seen, string path)
    {
        if (seen)
        {
            return Fail($"{path} is given twice");
        }

        seen = true;
        return true;
    }

    private bool Fail(string error)
    {
        _error = error;
        return false;
    }

    private string Describe() => _reader.TokenType switch
    {
        JsonTokenType.String => $"\"{_reader.GetString()}\"",
        JsonTokenType.Number => Encoding.UTF8.GetString(_reader.ValueSpan),
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        _ => _reader.TokenType.ToString(),
    };
}
