using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Protos.Receipts.V1;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

public static class ReceiptsTestClient
{
    public static ReceiptsService.ReceiptsServiceClient Receipts(this GrpcChannel channel) => new(channel);

    public static PresenceService.PresenceServiceClient Presence(this GrpcChannel channel) => new(channel);

    /// <summary>Acks on the unary call, which answers once the receipt is stored.</summary>
    public static async Task AckAsync(this GrpcChannel channel, TestSession session, string conversationId, long seq) =>
        await channel.Streams().AckDeliveredAsync(new AckDeliveredRequest { ConversationId = conversationId, Seq = seq }, session.Auth);

    /// <summary>Marks read on the unary call, which answers once the receipt is stored.</summary>
    public static async Task<MarkReadResponse> MarkReadAsync(this GrpcChannel channel, TestSession session, string conversationId, long seq) =>
        await channel.Streams().MarkReadAsync(new MarkReadRequest { ConversationId = conversationId, Seq = seq }, session.Auth);

    public static async Task SetReadReceiptsAsync(this GrpcChannel channel, TestSession session, bool on) =>
        await channel.Receipts().UpdateReceiptSettingsAsync(
            new UpdateReceiptSettingsRequest { Settings = new ReceiptSettings { ReadReceipts = on } }, session.Auth);

    public static async Task SetPresenceVisibilityAsync(this GrpcChannel channel, TestSession session, PresenceVisibility visibility) =>
        await channel.Presence().UpdatePresenceSettingsAsync(
            new UpdatePresenceSettingsRequest { Settings = new PresenceSettings { Visibility = visibility } }, session.Auth);
}
