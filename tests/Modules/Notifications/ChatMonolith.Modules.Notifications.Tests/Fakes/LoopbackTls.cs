using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>
/// A certificate authority of this test run and a server certificate for 127.0.0.1 that it signed, so that fakes of
/// push services speak real TLS on loopback. The host trusts the authority through
/// <c>Notifications:TrustedRootsFile</c> (<see cref="RootsFile"/>), and nothing else changes in how it connects.
/// </summary>
public sealed class LoopbackTls : IDisposable
{
    private readonly X509Certificate2 _authority;

    public LoopbackTls()
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest("CN=ChatMonolith test push services", authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        _authority = authorityRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(_authority, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        // Through PKCS#12, so that the key is one TLS may use on every platform.
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        ServerCertificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        RootsFile = Path.Combine(Path.GetTempPath(), $"push-roots-{Guid.NewGuid():N}.pem");
        File.WriteAllText(RootsFile, _authority.ExportCertificatePem());
    }

    /// <summary>The server certificate for 127.0.0.1, with its private key.</summary>
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>A PEM file with the authority's certificate alone.</summary>
    public string RootsFile { get; }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        _authority.Dispose();
        File.Delete(RootsFile);
    }
}
