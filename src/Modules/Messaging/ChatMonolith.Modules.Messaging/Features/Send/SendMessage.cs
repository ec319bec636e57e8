using System.Text;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Data;
using Microsoft.EntityFrameworkCore;
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
        var sender = command.Caller.UserId;
        var original = await db.Messages.AsNoTracking().SingleOrDefaultAsync(
            m => m.ConversationId == command.ConversationId && m.SenderId == sender && m.ClientMsgId == command.ClientMsgId,
            cancellationToken);
        if (original is not null)
        {
            // A retry: the same acknowledgement, and nothing delivered twice.
            return (Acknowledge(original, fanOut: null), events);
        }

        var member = await Membership.RequireActiveMemberAsync(db, command.ConversationId, sender, cancellationToken);
        var now = clock.GetUtcNow();
        var message = await ConversationLog.AppendAsync(db, command.ConversationId, now, seq => new Message
        {
            ConversationId = command.ConversationId,
            Seq = seq,
            MessageId = Guid.CreateVersion7(now),
            SenderId = sender,
            ClientMsgId = command.ClientMsgId,
            SentAt = now,
            Text = command.Text,
        }, cancellationToken);
        member.ReadSeq = message.Seq;
        var members = await Membership.ActiveMemberIdsAsync(db, command.ConversationId, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        events.Add(new MessageStored(message.ConversationId, message.Seq, message.MessageId, sender,
            members.Where(m => m != sender).ToList(), Preview(command.Text), now));
        return (Acknowledge(message, new FanOut(members, message.ToView())), events);
    }

    private static SentMessage Acknowledge(Message message, FanOut? fanOut) =>
        new(message.ConversationId, message.ClientMsgId!.Value, message.MessageId, message.Seq, message.SentAt, fanOut);

    private static string Preview(string text) => text.Length <= 100 ? text : text[..100];
}
