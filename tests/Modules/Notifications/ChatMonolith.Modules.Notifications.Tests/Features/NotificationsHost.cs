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

}
