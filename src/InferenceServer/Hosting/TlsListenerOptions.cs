namespace InferenceServer.Hosting;

/// <summary>
/// TLS for one listener, from PEM files: the server's certificate chain and private key, and, for mutual TLS,
/// the CA certificate(s) client certificates must chain to. Off unless a certificate is given.
/// </summary>
public sealed class TlsListenerOptions
{
    /// <summary>PEM file with the server certificate (and any intermediates after it).</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>PEM file with the server certificate's private key (PKCS#8, PKCS#1 or SEC1).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>PEM file with the CA certificate(s) that client certificates must chain to (mutual TLS).</summary>
    public string RootCertificateFile { get; set; } = "";

    /// <summary>Require a client certificate that chains to <see cref="RootCertificateFile"/>.</summary>
    public bool RequireClientCertificate { get; set; }

    public bool Enabled => CertificateFile.Length > 0;

    /// <summary>The combination's problem, naming the <paramref name="prefix"/>ed flags; null when consistent.</summary>
    public string? Check(string prefix)
    {
        if (Enabled != (KeyFile.Length > 0))
        {
            return $"--{prefix}-server-cert and --{prefix}-server-key go together";
        }

        if (RequireClientCertificate && (!Enabled || RootCertificateFile.Length == 0))
        {
            return $"--{prefix}-use-ssl-mutual needs --{prefix}-server-cert, --{prefix}-server-key and --{prefix}-root-cert";
        }

        if (!RequireClientCertificate && RootCertificateFile.Length > 0)
        {
            return $"--{prefix}-root-cert is used only with --{prefix}-use-ssl-mutual";
        }

        foreach (var (flag, file) in new[] { ("server-cert", CertificateFile), ("server-key", KeyFile), ("root-cert", RootCertificateFile) })
        {
            if (file.Length > 0 && !File.Exists(file))
            {
                return $"--{prefix}-{flag}: '{file}' does not exist";
            }
        }

        return null;
    }
}
