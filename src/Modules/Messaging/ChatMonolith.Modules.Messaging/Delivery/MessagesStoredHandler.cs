using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Features.Reading;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// After a send batch's commit (its <see cref="MessagesStored"/> comes through the batch's outbox, on a durable local
/// queue, docs/adr/0022): which recipient devices were live, what each recipient has unread in these conversations,
/// and the groups' titles, published as <see cref="MessagesRouted"/> for whoever must reach the devices that were not
/// (Notifications). One Redis lookup and one statement that names its conversations.
/// Off the send path: the acks went out at the commit.
/// </summary>
public static class MessagesStoredHandler
{
    public static async Task<MessagesRouted> Handle(MessagesStored stored, DeliveryRouter router, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var recipients = stored.Messages.SelectMany(m => m.RecipientIds).Distinct().ToList();
        var conversationIds = stored.Messages.Select(m => m.ConversationId).Distinct().ToList();
        var live = await router.FindLiveAsync(recipients);
        var (unread, titles) = await UnreadCounts.InAsync(db, conversationIds, recipients, cancellationToken);
        return new MessagesRouted(stored.Messages, live.Devices, unread, titles);
    }
}
