using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Grpc.Net.Client;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>A host with FCM and Web Push on and APNs off, as a deployment without an Apple key would be.</summary>
public sealed class NotificationsHost : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        // A VAPID key pair of this run (P-256, base64url), as `web-push generate-vapid-keys` makes one.
        using var vapid = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var key = vapid.ExportParameters(includePrivateParameters: true);
        return
        [
            new("Notifications:Fcm:ServiceAccountFile", Path.Combine(Path.GetTempPath(), "fcm-service-account.json")),
            new("Notifications:WebPush:VapidPublicKey", System.Buffers.Text.Base64Url.EncodeToString([0x04, .. key.Q.X!, .. key.Q.Y!])),
            new("Notifications:WebPush:VapidPrivateKey", System.Buffers.Text.Base64Url.EncodeToString(key.D!)),
            new("Notifications:WebPush:Subject", "mailto:ops@example.com"),
        ];
    }
}

internal static class NotificationsClient
{
    public static NotificationsService.NotificationsServiceClient Notifications(this GrpcChannel channel) => new(channel);

    /// <summary>A Web Push subscription's keys as a browser makes them: a P-256 point (65 bytes, 0x04 first) and 16 bytes.</summary>
    public static WebPushTarget Subscription(string endpoint)
    {
        using var key = System.Security.Cryptography.ECDiffieHellman.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var point = key.ExportParameters(false).Q;
        return new WebPushTarget
        {
            Endpoint = endpoint,
            P256Dh = System.Buffers.Text.Base64Url.EncodeToString([0x04, .. point.X!, .. point.Y!]),
            Auth = System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
        };
    }
}
