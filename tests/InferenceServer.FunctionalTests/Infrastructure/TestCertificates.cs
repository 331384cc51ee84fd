using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InferenceServer.FunctionalTests.Infrastructure;

/// <summary>
/// A throw-away PKI in a temporary folder: a CA, a server certificate for 127.0.0.1 signed by it, a client
/// certificate signed by it and a self-signed client certificate it never signed; PEM files for the server's flags.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("test-certificates-").FullName;

    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=inference-server test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddDnsName("localhost");
        (ServerCertificateFile, ServerKeyFile, _) = Issue("server", "CN=127.0.0.1", names.Build(), "1.3.6.1.5.5.7.3.1");
        (_, _, Client) = Issue("client", "CN=test client", extension: null, "1.3.6.1.5.5.7.3.2");

        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rogue = new CertificateRequest("CN=rogue client", rogueKey, HashAlgorithmName.SHA256);
        Rogue = X509CertificateLoader.LoadPkcs12(rogue.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).Export(X509ContentType.Pkcs12), null);

        AuthorityFile = Path.Combine(_folder, "ca.pem");
        File.WriteAllText(AuthorityFile, Authority.ExportCertificatePem());
    }

    public X509Certificate2 Authority { get; }

    public string AuthorityFile { get; }

    public string ServerCertificateFile { get; }

    public string ServerKeyFile { get; }

    /// <summary>Signed by <see cref="Authority"/>, with its private key.</summary>
    public X509Certificate2 Client { get; }

    /// <summary>Self-signed: no chain to <see cref="Authority"/>.</summary>
    public X509Certificate2 Rogue { get; }

    /// <summary>A handler that trusts only <see cref="Authority"/> and presents <paramref name="clientCertificate"/>.</summary>
    public SocketsHttpHandler Handler(X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
    }

    private (string CertificateFile, string KeyFile, X509Certificate2 Certificate) Issue(string name, string subject, X509Extension? extension, string usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], critical: false));
        if (extension is not null)
        {
            request.CertificateExtensions.Add(extension);
        }

        var serial = RandomNumberGenerator.GetBytes(8);
        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        var withKey = issued.CopyWithPrivateKey(key);
        var certificateFile = Path.Combine(_folder, $"{name}.pem");
        var keyFile = Path.Combine(_folder, $"{name}.key");
        File.WriteAllText(certificateFile, withKey.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());

        // Through PKCS#12 so the private key is usable for client authentication on Linux.
        return (certificateFile, keyFile, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null));
    }
}
