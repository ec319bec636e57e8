using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Protos.Messaging.V1;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>Committed conversation entries enter the devices' streams here (see <see cref="DeliverEntries"/>).</summary>
public static class DeliverEntriesHandler
{
    public static void Handle(DeliverEntries request, DeliveryRouter router)
    {
        foreach (var (recipientIds, entry, changed) in request.Entries)
        {
            router.Deliver(recipientIds, entry);
            if (changed is not null)
            {
                router.Notify(recipientIds, new ServerEvent { ConversationChanged = MessagingProtoMapping.Changed(changed) });
            }
        }
    }
}
