using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace InferenceServer.Hosting;

/// <summary>Turns <see cref="TlsListenerOptions"/> into Kestrel's HTTPS settings for a listener.</summary>
internal static class TlsListenerSetup
{
    /// <exception cref="InvalidOperationException">A certificate or key file cannot be read, or the key is not the certificate's; the message names the flags.</exception>
    public static void Apply(ListenOptions listener, TlsListenerOptions tls, string prefix)
    {
        if (!tls.Enabled)
        {
            return;
        }

        X509Certificate2 certificate;
        X509Certificate2Collection roots = [];
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(tls.CertificateFile, tls.KeyFile);
            if (tls.RequireClientCertificate)
            {
                roots.ImportFromPemFile(tls.RootCertificateFile);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"--{prefix}-server-cert/--{prefix}-server-key/--{prefix}-root-cert: {ex.Message}", ex);
        }

        listener.UseHttps(https =>
        {
            https.ServerCertificate = certificate;
            if (tls.RequireClientCertificate)
            {
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (client, _, _) => ChainsTo(client, roots);
            }
        });
    }

    // Only the operator's CA decides; the machine's trust store is not consulted for client certificates.
    private static bool ChainsTo(X509Certificate2 client, X509Certificate2Collection roots)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(client);
    }
}
