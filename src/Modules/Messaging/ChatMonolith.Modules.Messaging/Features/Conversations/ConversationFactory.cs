using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

internal static class ConversationFactory
{
    /// <summary>Adds a conversation whose first entry (seq 1) records its creation and its members.</summary>
    public static (Conversation Conversation, Member Creator, Message Created) Create(
        MessagingDbContext db, Guid conversationId, ConversationKind kind, string title, Guid creatorId,
        IReadOnlyList<Guid> otherMemberIds, DateTimeOffset now, OutgoingMessages events)
    {
        var conversation = new Conversation
        {
            ConversationId = conversationId, Kind = kind, Title = title, CreatedAt = now, LastSeq = 1, LastActivityAt = now,
        };
        var memberIds = otherMemberIds.Prepend(creatorId).ToArray();
        var created = ConversationLog.SystemEvent(conversationId, 1, now, creatorId, SystemEventKind.ConversationCreated, memberIds, title);
        db.Conversations.Add(conversation);
        db.Messages.Add(created);

        Member? creator = null;
        foreach (var userId in memberIds)
        {
            var member = new Member
            {
                ConversationId = conversationId,
                UserId = userId,
                Role = kind == ConversationKind.Group && userId == creatorId ? MemberRole.Admin : MemberRole.Member,
                JoinedSeq = 1,
                // The creation event is unread news for those added to a group ("alice created #team"), but a
                // direct chat's start is not a message to read: it counts for no one's unread.
                ReadSeq = userId == creatorId || kind == ConversationKind.Direct ? 1 : 0,
            };
            creator ??= member;
            db.Members.Add(member);
            db.UserConversations.Add(new UserConversation { UserId = userId, ConversationId = conversationId, AddedAt = now });
            events.Add(new MemberAdded(conversationId, userId, 1, kind == ConversationKind.Group));
        }

        return (conversation, creator!, created);
    }
}
