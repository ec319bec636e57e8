using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Features.Conversations;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Modules.Messaging.Delivery;
using ChatMonolith.Protos.Messaging.V1;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features;

/// <summary>
/// Runs a command that appends to a conversation and, once it has committed, hands what it stored to the router.
/// Delivery after the commit means no device ever sees a message that could still roll back.
/// </summary>
internal sealed class CommandDispatcher(IMessageBus bus, DeliveryRouter router)
{
    public async Task<T> InvokeAsync<T>(object command, CancellationToken cancellationToken)
        where T : IHasFanOut
    {
        T result;
        try
        {
            result = await bus.InvokeAsync<T>(command, cancellationToken);
        }
        catch (Exception e) when (e.IsUniqueViolation())
        {
            // A concurrent twin won (the same client_msg_id, or the same direct chat opened twice at once):
            // running again finds its result instead of creating a second one.
            result = await bus.InvokeAsync<T>(command, cancellationToken);
        }

        if (result.FanOut is { } fanOut)
        {
            router.Deliver(fanOut.RecipientIds, fanOut.Message);
            if (result is ConversationChange change)
            {
                router.Notify(fanOut.RecipientIds, new ServerEvent { ConversationChanged = MessagingProtoMapping.Changed(change.Conversation) });
            }
        }

        return result;
    }
}
