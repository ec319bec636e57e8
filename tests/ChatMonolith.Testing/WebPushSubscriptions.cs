using System.Buffers.Text;
using System.Security.Cryptography;
using ChatMonolith.Protos.Notifications.V1;

namespace ChatMonolith.Testing;

public static class WebPushSubscriptions
{
    /// <summary>A Web Push subscription's keys as a browser makes them: a P-256 point (65 bytes, 0x04 first) and 16 random bytes.</summary>
    public static WebPushTarget Create(string endpoint)
    {
        using var key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = key.ExportParameters(false).Q;
        return new WebPushTarget
        {
            Endpoint = endpoint,
            P256Dh = Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]),
            Auth = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
        };
    }

    /// <summary>A VAPID key pair (P-256, base64url: the 65-byte public point and the 32-byte private scalar), as `web-push generate-vapid-keys` makes one.</summary>
    public static (string PublicKey, string PrivateKey) VapidKeys()
    {
        using var vapid = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = vapid.ExportParameters(includePrivateParameters: true);
        return (Base64Url.EncodeToString([0x04, .. key.Q.X!, .. key.Q.Y!]), Base64Url.EncodeToString(key.D!));
    }
}
