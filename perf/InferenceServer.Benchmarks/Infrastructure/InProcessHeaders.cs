using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace InferenceServer.Benchmarks.Infrastructure;

/// <summary>
/// Request or response headers that cost what Kestrel's cost the handler: setting a header stores the
/// <see cref="StringValues"/> (no copy), and Content-Length is a number, never formatted to a string
/// (ASP.NET Core's <c>HeaderDictionary</c> formats it; Kestrel's <c>HttpHeaders</c> keep a <c>long</c>).
/// </summary>
internal sealed class InProcessHeaders : IHeaderDictionary
{
    private readonly Dictionary<string, StringValues> _headers = new(StringComparer.OrdinalIgnoreCase);

    public long? ContentLength { get; set; }

    public StringValues this[string key]
    {
        get => _headers.TryGetValue(key, out var value) ? value : StringValues.Empty;
        set
        {
            if (StringValues.IsNullOrEmpty(value))
            {
                _headers.Remove(key);
            }
            else
            {
                _headers[key] = value;
            }
        }
    }

    public ICollection<string> Keys => _headers.Keys;

    public ICollection<StringValues> Values => _headers.Values;

    public int Count => _headers.Count;

    public bool IsReadOnly => false;

    public void Add(string key, StringValues value) => _headers.Add(key, value);

    public void Add(KeyValuePair<string, StringValues> item) => _headers.Add(item.Key, item.Value);

    public void Clear()
    {
        _headers.Clear();
        ContentLength = null;
    }

    public bool Contains(KeyValuePair<string, StringValues> item) =>
        _headers.TryGetValue(item.Key, out var value) && value.Equals(item.Value);

    public bool ContainsKey(string key) => _headers.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, StringValues>>)_headers).CopyTo(array, arrayIndex);

    public bool Remove(string key) => _headers.Remove(key);

    public bool Remove(KeyValuePair<string, StringValues> item) => Contains(item) && _headers.Remove(item.Key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => _headers.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => _headers.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
