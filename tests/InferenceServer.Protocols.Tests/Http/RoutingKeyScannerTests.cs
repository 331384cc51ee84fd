using System.Text;
using InferenceServer.Protocols.Http;

namespace InferenceServer.Protocols.Tests.Http;

/// <summary>The routing key is found only as a top-level <c>parameters.routing_key</c> string; anything else finds none.</summary>
public sealed class RoutingKeyScannerTests
{
    [Theory]
    [InlineData("""{"inputs":[{"name":"a","parameters":{"routing_key":"inner"}}],"parameters":{"priority":1,"routing_key":"k-1"}}""", "k-1")]
    [InlineData("""{"parameters":{"routing_key":"first"},"inputs":[]}""", "first")]
    [InlineData("""{"parameters":{"routing_key":"caf\u00e9"}}""", "café")]
    [InlineData("""{"inputs":[{"name":"a","parameters":{"routing_key":"inner"}}]}""", null)]
    [InlineData("""{"parameters":{"routing_key":7}}""", null)]
    [InlineData("""{"parameters":["routing_key"]}""", null)]
    [InlineData("""{"parameters":{"routing_key":""", null)]
    [InlineData("""[1,2]""", null)]
    [InlineData("", null)]
    public void Find_ReturnsTheTopLevelParameterOnly(string json, string? expected)
    {
        Assert.Equal(expected, RoutingKeyScanner.Find(Encoding.UTF8.GetBytes(json)));
    }
}
