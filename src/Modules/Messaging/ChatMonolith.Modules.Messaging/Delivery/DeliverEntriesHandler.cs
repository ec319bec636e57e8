namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>The entries that conversation handlers cascade reach the router here, once their transaction has committed.</summary>
public static class DeliverEntriesHandler
{
    public static void Handle(DeliverEntries request, DeliveryRouter router) => router.Deliver(request);
}
