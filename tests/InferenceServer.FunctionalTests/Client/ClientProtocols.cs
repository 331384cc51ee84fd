using InferenceServer.Client;
using InferenceServer.Client.Grpc;
using InferenceServer.Client.Http;
using InferenceServer.FunctionalTests.Infrastructure;

namespace InferenceServer.FunctionalTests.Client;

/// <summary>Builds the client library's clients for a test server, one per protocol, so each test runs over both.</summary>
internal static class ClientProtocols
{
    public const string Http = "http";
    public const string HttpJson = "http-json";
    public const string Grpc = "grpc";

    public static TheoryData<string> Both => [Http, Grpc];

    public static TheoryData<string> All => [Http, HttpJson, Grpc];

    /// <summary>
    /// A client over a fresh HTTP client (no default Authorization header: the library's own tokens are what is tested)
    /// or over the server's channel, with the test server's control token and a deadline on every call.
    /// </summary>
    public static InferenceClient Create(TestServer server, string protocol, Action<InferenceClientOptions>? configure = null)
    {
        var options = new InferenceClientOptions
        {
            ControlToken = TestServer.ControlToken,
            Timeout = TestTimeouts.Request,
            HttpEncoding = protocol == HttpJson ? HttpTensorEncoding.Json : HttpTensorEncoding.Binary,
        };
        configure?.Invoke(options);
        return protocol == Grpc
            ? new GrpcInferenceClient(server.Channel, options)
            : new HttpInferenceClient(server.CreateHttpClient(bearerToken: null), options);
    }
}
