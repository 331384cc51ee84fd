using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// Builds and reads KServe v2 HTTP inference bodies, including the binary tensor extension:
/// <code>| JSON header (Inference-Header-Content-Length bytes) | blob | blob | ... |</code>
/// </summary>
internal static class HttpInfer
{
    public const string HeaderLengthName = "Inference-Header-Content-Length";

    /// <summary>A JSON-only body.</summary>
    public static ByteArrayContent Json(JsonNode body) => Json(body.ToJsonString());

    public static ByteArrayContent Json(string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A JSON header followed by binary blobs, with the header length set.</summary>
    public static ByteArrayContent Binary(JsonNode header, params byte[][] blobs)
    {
        var (body, headerLength) = BinaryBody(header, blobs);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add(HeaderLengthName, headerLength.ToString(CultureInfo.InvariantCulture));
        return content;
    }

    public static (byte[] Body, int HeaderLength) BinaryBody(JsonNode header, params byte[][] blobs)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        return ([.. json, .. blobs.SelectMany(b => b)], json.Length);
    }

    /// <summary>An input with JSON data.</summary>
    public static JsonObject Input(string name, string datatype, long[] shape, JsonArray data) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = ShapeArray(shape),
        ["data"] = data,
    };

    /// <summary>An input whose data is a binary blob of <paramref name="byteSize"/> bytes.</summary>
    public static JsonObject BinaryInput(string name, string datatype, long[] shape, long byteSize) => new()
    {
        ["name"] = name,
        ["datatype"] = datatype,
        ["shape"] = ShapeArray(shape),
        ["parameters"] = new JsonObject { ["binary_data_size"] = byteSize },
    };

    public static JsonObject Output(string name, bool? binary = null) => binary is { } b
        ? new JsonObject { ["name"] = name, ["parameters"] = new JsonObject { ["binary_data"] = b } }
        : new JsonObject { ["name"] = name };

    public static JsonArray ShapeArray(long[] shape) => [.. shape.Select(d => (JsonNode)d)];

    public static JsonArray Numbers(IEnumerable<int> values) => [.. values.Select(v => (JsonNode)v)];

    public static Task<HttpResponseMessage> PostAsync(HttpClient http, string model, HttpContent content) =>
        http.PostAsync($"v2/models/{model}/infer", content).WithTimeout();

    /// <summary>Reads an inference response: decompresses it, splits the JSON header from the blobs and keys the blobs by output name.</summary>
    public static async Task<InferResult> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync().WithTimeout();
        body = Decompress(body, response.Content.Headers.ContentEncoding);
        var headerLength = HeaderLength(response) ?? body.Length;
        var json = JsonNode.Parse(body.AsSpan(0, headerLength))!.AsObject();
        var binary = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var offset = headerLength;
        if (json["outputs"] is JsonArray outputs)
        {
            foreach (var output in outputs)
            {
                if (output?["parameters"]?["binary_data_size"] is { } size)
                {
                    var length = size.GetValue<int>();
                    binary[output["name"]!.GetValue<string>()] = body.AsSpan(offset, length).ToArray();
                    offset += length;
                }
            }
        }

        Assert.Equal(body.Length, offset);
        return new InferResult(response.StatusCode, json, binary, headerLength);
    }

    public static int? HeaderLength(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderLengthName, out var values)
            ? int.Parse(values.Single(), NumberStyles.None, CultureInfo.InvariantCulture)
            : null;

    public static byte[] Decompress(byte[] body, ICollection<string> encodings)
    {
        if (encodings.Count == 0)
        {
            return body;
        }

        using var input = new MemoryStream(body);
        using Stream decompressor = encodings.Single() switch
        {
            "gzip" => new GZipStream(input, CompressionMode.Decompress),
            "deflate" => new ZLibStream(input, CompressionMode.Decompress),
            var other => throw new InvalidOperationException($"unexpected Content-Encoding {other}"),
        };
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Compress(byte[] body, string encoding)
    {
        using var output = new MemoryStream();
        using (Stream compressor = encoding == "gzip"
            ? new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)
            : new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            compressor.Write(body);
        }

        return output.ToArray();
    }

    /// <summary>Asserts an error response: the status, a JSON <c>{"error": ...}</c> body, and returns the message.</summary>
    public static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync().WithTimeout();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!.AsObject();
        Assert.Single(error);
        return error["error"]!.GetValue<string>();
    }
}

/// <summary>A parsed inference response.</summary>
internal sealed record InferResult(HttpStatusCode Status, JsonObject Json, IReadOnlyDictionary<string, byte[]> Binary, int HeaderLength)
{
    public JsonObject Output(string name) =>
        Json["outputs"]!.AsArray().Single(o => o!["name"]!.GetValue<string>() == name)!.AsObject();

    public int[] Int32Data(string name) => Output(name)["data"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public string[] OutputNames => Json["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()).ToArray();
}
