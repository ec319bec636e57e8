using ChatMonolith.Protos.Notifications.V1;
using ChatMonolith.Testing;
using Grpc.Net.Client;

namespace ChatMonolith.Modules.Notifications.Tests.Features;

/// <summary>A host with FCM and Web Push on and APNs off, as a deployment without an Apple key would be.</summary>
public sealed class NotificationsHost : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        var vapid = WebPushSubscriptions.VapidKeys();
        return
        [
            new("Notifications:Fcm:ServiceAccountFile", Path.Combine(Path.GetTempPath(), "fcm-service-account.json")),
            new("Notifications:WebPush:VapidPublicKey", vapid.PublicKey),
            new("Notifications:WebPush:VapidPrivateKey", vapid.PrivateKey),
            new("Notifications:WebPush:Subject", "mailto:ops@example.com"),
        ];
    }
}

internal static class NotificationsClient
{
    public static NotificationsService.NotificationsServiceClient Notifications(this GrpcChannel channel) => new(channel);

}
