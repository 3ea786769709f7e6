using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RocketTax.RocketMQ.Broker.Configuration;
using RocketTax.RocketMQ.Broker.Store;

namespace RocketTax.RocketMQ.Broker.Security;

/// <summary>
/// The certificate the gRPC port presents to TLS clients: the configured one (<c>tlsServerCertPath</c>, a PEM
/// certificate with <c>tlsServerKeyPath</c>, or a PKCS#12 file), or else a self-signed one generated at the
/// first start and kept under the store root (<c>tls/broker.crt</c>, <c>tls/broker.key</c>), so clients that
/// pin it keep trusting it across restarts.
/// </summary>
public static class BrokerCertificate
{
    public const string DirectoryName = "tls";
    public const string CertificateFileName = "broker.crt";
    public const string KeyFileName = "broker.key";

    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    public static X509Certificate2 LoadOrCreate(BrokerConfig config, ILogger logger)
    {
        if (config.TlsServerCertPath is { } certPath)
        {
            return LoadConfigured(certPath, config.TlsServerKeyPath, config.TlsServerKeyPassword);
        }

        var directory = Path.Combine(config.StorePathRootDir, DirectoryName);
        var certFile = Path.Combine(directory, CertificateFileName);
        var keyFile = Path.Combine(directory, KeyFileName);
        if (File.Exists(certFile) && File.Exists(keyFile))
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }

        var certificate = CreateSelfSigned(config);
        Directory.CreateDirectory(directory);
        using (var key = certificate.GetECDsaPrivateKey()!)
        {
            WriteAtomically(keyFile, key.ExportPkcs8PrivateKeyPem(), secret: true);
        }

        WriteAtomically(certFile, certificate.ExportCertificatePem(), secret: false);
        logger.LogInformation("Generated a self-signed TLS certificate for the gRPC port: {CertificateFile} (SHA-256 {Thumbprint})",
            certFile, certificate.GetCertHashString(HashAlgorithmName.SHA256));
        return certificate;
    }

    private static X509Certificate2 LoadConfigured(string certPath, string? keyPath, string? password)
    {
        if (!File.Exists(certPath))
        {
            throw new ConfigurationException($"TLS certificate '{certPath}' (tlsServerCertPath) does not exist");
        }

        try
        {
            var extension = Path.GetExtension(certPath).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                return X509CertificateLoader.LoadPkcs12FromFile(certPath, password);
            }

            if (keyPath is null || !File.Exists(keyPath))
            {
                throw new ConfigurationException(
                    $"the PEM certificate '{certPath}' (tlsServerCertPath) needs its private key: set tlsServerKeyPath to an existing PEM key file");
            }

            return string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(certPath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certPath, password, keyPath);
        }
        catch (CryptographicException ex)
        {
            throw new ConfigurationException($"TLS certificate '{certPath}' (tlsServerCertPath) could not be loaded: {ex.Message}");
        }
    }

    private static X509Certificate2 CreateSelfSigned(BrokerConfig config)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=RocketTax broker {config.BrokerName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(Environment.MachineName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (config.BrokerIP1 is { } advertised && IPAddress.TryParse(advertised, out var address) && !IPAddress.IsLoopback(address))
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now + Validity);
    }

    private static void WriteAtomically(string path, string content, bool secret)
    {
        // The key is created owner-only, so no other user can read it even while it is being written.
        AtomicFile.Write(
            path,
            file => file.Write(Encoding.UTF8.GetBytes(content)),
            secret ? UnixFileMode.UserRead | UnixFileMode.UserWrite : null);
    }
}
