using ChatMonolith.Modules.Messaging.Features;

namespace ChatMonolith.Modules.Messaging.Data;

internal static class MessageMapping
{
    public static MessageView ToView(this Message message) => new(
        message.ConversationId,
        message.Seq,
        message.MessageId,
        message.SenderId,
        message.ClientMsgId,
        message.SentAt,
        message.Text,
        (int?)message.SystemKind,
        message.SystemUserIds ?? [],
        message.SystemTitle);
}
