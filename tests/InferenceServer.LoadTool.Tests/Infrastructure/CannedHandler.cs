using System.Net;
using System.Text;

namespace InferenceServer.LoadTool.Tests.Infrastructure;

/// <summary>Answers each GET path with a canned JSON body (404 for anything else) and remembers the paths asked.</summary>
internal sealed class CannedHandler(IReadOnlyDictionary<string, string> bodies) : HttpMessageHandler
{
    public List<string> Paths { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        Paths.Add(path);
        return Task.FromResult(bodies.TryGetValue(path, out var body)
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") }
            : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"error\":\"no such model\"}") });
    }
}
