using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Messaging.Features.Reading;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>
/// After a send batch's commit (its <see cref="MessagesStored"/> comes through the batch's outbox, on a durable local
/// queue, docs/adr/0022): of the recipients' devices that a push could reach (<see cref="PushTargetChangedHandler"/>),
/// which held no live stream. When there are such devices, what each recipient has unread in these conversations and
/// the groups' titles go with the live devices as <see cref="MessagesRouted"/> to whoever pushes (Notifications);
/// when every such device was live, or there is none, nothing is handed on. One statement on a reference table, then
/// (only for recipients with a target) one Redis lookup and one statement that names the batch's conversations.
/// Off the send path: the acks went out at the commit.
/// </summary>
public static class MessagesStoredHandler
{
    public static async Task<MessagesRouted?> Handle(MessagesStored stored, DeliveryRouter router, MessagingDbContext db, CancellationToken cancellationToken)
    {
        var recipients = stored.Messages.SelectMany(m => m.RecipientIds).Distinct().ToList();
        var reachable = await db.PushReachableDevices
            .Where(d => recipients.Contains(d.UserId) && d.HasTarget)
            .Select(d => new DeviceTarget(d.UserId, d.DeviceId))
            .ToListAsync(cancellationToken);
        if (reachable.Count == 0)
        {
            return null;
        }

        var live = await router.FindLiveAsync([.. reachable.Select(d => d.UserId).Distinct()]);
        var liveDevices = live.Devices.ToHashSet();
        if (reachable.All(liveDevices.Contains))
        {
            return null;
        }

        var conversationIds = stored.Messages.Select(m => m.ConversationId).Distinct().ToList();
        var (unread, titles) = await UnreadCounts.InAsync(db, conversationIds, recipients, cancellationToken);
        return new MessagesRouted(stored.Messages, live.Devices, unread, titles);
    }
}
