using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using InferenceServer.Cli;
using InferenceServer.FunctionalTests.Infrastructure;
using InferenceServer.Hosting;
using Microsoft.Extensions.Configuration;

namespace InferenceServer.FunctionalTests.Security;

/// <summary>
/// TLS from PEM files on the command line: HTTPS on the HTTP port, TLS on the gRPC port (Triton's flag names),
/// mutual TLS with the operator's CA, and the flag combinations that cannot work refused at start-up.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _pki = new();

    public void Dispose() => _pki.Dispose();

    private Task<TestServer> StartAsync(bool mutualGrpc = false) => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
    {
        options.HttpTls.CertificateFile = _pki.ServerCertificateFile;
        options.HttpTls.KeyFile = _pki.ServerKeyFile;
        options.GrpcTls.CertificateFile = _pki.ServerCertificateFile;
        options.GrpcTls.KeyFile = _pki.ServerKeyFile;
        if (mutualGrpc)
        {
            options.GrpcTls.RootCertificateFile = _pki.AuthorityFile;
            options.GrpcTls.RequireClientCertificate = true;
        }
    });

    [Fact]
    public async Task Https_ServesInference_PlainHttpToTheSamePortFails()
    {
        await using var server = await StartAsync();
        using var https = new HttpClient(_pki.Handler()) { BaseAddress = new Uri($"https://127.0.0.1:{server.HttpPort}/"), Timeout = TestTimeouts.Request };

        using var ready = await https.GetAsync("v2/health/ready").WithTimeout();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var infer = await HttpInfer.PostAsync(https, "simple", SimpleRequests.Json(batch: 1));
        var result = await HttpInfer.ReadAsync(infer);
        Assert.Equal(HttpStatusCode.OK, result.Status);

        await Assert.ThrowsAsync<HttpRequestException>(() => server.Http.GetAsync("v2/health/ready").WithTimeout());
    }

    [Fact]
    public async Task GrpcTls_ServesInference()
    {
        await using var server = await StartAsync();
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{server.GrpcPort}", new GrpcChannelOptions { HttpHandler = _pki.Handler() });
        var client = new InferenceGrpcClient(channel);

        var answer = await client.ModelInferAsync(SimpleRequests.Grpc(batch: 1)).WithTimeout();

        Assert.Equal(2, answer.RawOutputContents.Count);
    }

    [Fact]
    public async Task MutualTls_OnlyAClientCertificateFromTheCaGetsIn()
    {
        await using var server = await StartAsync(mutualGrpc: true);

        foreach (var (certificate, admitted) in new[] { (null, false), (_pki.Rogue, false), (_pki.Client, true) })
        {
            using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{server.GrpcPort}", new GrpcChannelOptions { HttpHandler = _pki.Handler(certificate) });
            var call = new InferenceGrpcClient(channel).ServerLiveAsync();
            if (admitted)
            {
                Assert.True((await call.WithTimeout()).Live);
            }
            else
            {
                // The refused handshake surfaces as UNAVAILABLE or INTERNAL, depending on when the client notices.
                var error = await Assert.ThrowsAsync<RpcException>(() => call.WithTimeout());
                Assert.True(error.StatusCode is StatusCode.Unavailable or StatusCode.Internal, $"{error.StatusCode}: {error.Status.Detail}");
            }
        }
    }

    [Fact]
    public async Task HealthCommand_ProbesTheHttpsPort_WithInsecureOnLoopback()
    {
        await using var server = await StartAsync();
        var url = $"https://127.0.0.1:{server.HttpPort}/v2/health/ready";

        Assert.Equal(0, await HealthCheckCommand.RunAsync(["--url", url, "--insecure"]).WithTimeout());
        Assert.Equal(1, await HealthCheckCommand.RunAsync(["--url", url]).WithTimeout());
    }

    [Theory]
    [InlineData("--http-server-cert={cert}", "--http-server-cert and --http-server-key go together")]
    [InlineData("--grpc-server-key={key}", "--grpc-server-cert and --grpc-server-key go together")]
    [InlineData("--grpc-use-ssl", "--grpc-use-ssl needs --grpc-server-cert and --grpc-server-key")]
    [InlineData("--grpc-use-ssl-mutual", "--grpc-use-ssl-mutual needs")]
    [InlineData("--http-root-cert={ca}", "--http-root-cert is used only with --http-use-ssl-mutual")]
    [InlineData("--http-server-cert=/no/such.pem --http-server-key={key}", "--http-server-cert: '/no/such.pem' does not exist")]
    public void Flags_ThatCannotWork_RefusedNamingThem(string flags, string expected)
    {
        var args = flags.Replace("{cert}", _pki.ServerCertificateFile, StringComparison.Ordinal)
            .Replace("{key}", _pki.ServerKeyFile, StringComparison.Ordinal)
            .Replace("{ca}", _pki.AuthorityFile, StringComparison.Ordinal)
            .Split(' ')
            .Prepend("--model-repository=/tmp")
            .ToArray();

        var options = ServerOptionsReader.Read(args, new ConfigurationBuilder().Build(), out var error);

        Assert.Null(options);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyThatIsNotTheCertificates_StartFailsNamingTheFlags()
    {
        var wrongKey = Path.Combine(Path.GetTempPath(), $"wrong-{Guid.NewGuid():N}.key");
        File.WriteAllText(wrongKey, System.Security.Cryptography.ECDsa.Create().ExportPkcs8PrivateKeyPem());
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestServer.StartAsync(TestRepositories.WriteSimple, options =>
            {
                options.GrpcTls.CertificateFile = _pki.ServerCertificateFile;
                options.GrpcTls.KeyFile = wrongKey;
            }));

            Assert.Contains("--grpc-server-cert", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(wrongKey);
        }
    }
}
