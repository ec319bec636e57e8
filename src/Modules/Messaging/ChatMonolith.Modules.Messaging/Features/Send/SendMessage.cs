using System.Text;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Wolverine;

namespace ChatMonolith.Modules.Messaging.Features.Send;

public sealed record SendMessage(Caller Caller, Guid ConversationId, Guid ClientMsgId, string Text);

/// <summary>The "sent" tick: the message is committed at <see cref="Seq"/>.</summary>
public sealed record SentMessage(Guid ConversationId, Guid ClientMsgId, Guid MessageId, long Seq, DateTimeOffset SentAt, FanOut? FanOut)
    : IHasFanOut;

public static class SendMessageHandler
{
    public const int MaxTextBytes = 64 * 1024;

    public static async Task<(SentMessage, OutgoingMessages)> Handle(
        SendMessage command, MessagingDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetByteCount(command.Text);
        new Validator()
            .Require(bytes > 0 && !string.IsNullOrWhiteSpace(command.Text), "text", "must not be empty")
            .Require(bytes <= MaxTextBytes, "text", $"must be at most {MaxTextBytes} bytes of UTF-8")
            .ThrowIfInvalid();

        var events = new OutgoingMessages();
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // PostgreSQL keeps microseconds: a retry's ack carries the same time
        var messageId = Guid.CreateVersion7(now);
        var outcome = await SendStatement.RunAsync(db, command, messageId, now, cancellationToken);
        if (outcome.Earlier is { } earlier)
        {
            // A retry: the same acknowledgement, and nothing delivered twice.
            return (new SentMessage(command.ConversationId, command.ClientMsgId, earlier.MessageId, earlier.Seq, earlier.SentAt, FanOut: null), events);
        }

        if (outcome.StoredSeq is not { } seq)
        {
            throw outcome.ConversationExists
                ? ChatException.PermissionDenied("NOT_A_MEMBER", "You are not a member of this conversation.")
                : ChatException.NotFound("CONVERSATION_NOT_FOUND", "There is no conversation with that id.");
        }

        var sender = command.Caller.UserId;
        var view = new MessageView(command.ConversationId, seq, messageId, sender, command.ClientMsgId, now, command.Text, null, [], null);
        events.Add(new MessageStored(command.ConversationId, seq, messageId, sender, outcome.MemberIds.Where(m => m != sender).ToList(), Preview(command.Text), now));
        return (new SentMessage(command.ConversationId, command.ClientMsgId, messageId, seq, now, new FanOut(outcome.MemberIds, view)), events);
    }

    private static string Preview(string text) => text.Length <= 100 ? text : text[..100];
}
