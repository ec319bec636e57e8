using System.Text;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.BuildingBlocks.Text;
using ChatMonolith.Modules.Messaging.Contracts;
using ChatMonolith.Modules.Messaging.Delivery;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>A message to append to a conversation; <see cref="SendGroupCommit"/> stores it.</summary>
internal sealed record SendMessage(Caller Caller, Guid ConversationId, Guid ClientMsgId, string Text)
{
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Refuses what no database could store, before it waits for a batch.</summary>
    public void Validate()
    {
        var bytes = Encoding.UTF8.GetByteCount(Text);
        new Validator()
            .Require(bytes > 0 && !string.IsNullOrWhiteSpace(Text), "text", "must not be empty")
            .Require(bytes <= MaxTextBytes, "text", $"must be at most {MaxTextBytes} bytes of UTF-8")
            .Require(!Text.Contains('\0'), "text", "must not contain the NUL character (U+0000)")
            .ThrowIfInvalid();
    }

    /// <summary>What the statement's outcome means for this send: its ack and what to deliver, or why it was refused.</summary>
    internal SentMessage Accept(SendOutcome outcome, Guid messageId, DateTimeOffset now, out MessageStored? stored)
    {
        stored = null;
        if (outcome.Earlier is { } earlier)
        {
            // A retry: the same acknowledgement, and nothing delivered twice.
            return new SentMessage(ConversationId, ClientMsgId, earlier.MessageId, earlier.Seq, earlier.SentAt, Delivery: null);
        }

        if (outcome.StoredSeq is not { } seq)
        {
            // A stranger's NOT_A_MEMBER becomes NOT_FOUND once the batch is committed (SendGroupCommit.HideFromStrangersAsync).
            throw outcome.ConversationExists ? ConversationErrors.NotAMember() : ConversationErrors.NotFound();
        }

        var sender = Caller.UserId;
        var view = new MessageView(ConversationId, seq, messageId, sender, ClientMsgId, now, Text, null, [], null);
        stored = new MessageStored(ConversationId, seq, messageId, sender, outcome.MemberIds.Where(m => m != sender).ToList(), Preview(Text), now);
        return new SentMessage(ConversationId, ClientMsgId, messageId, seq, now, new EntryDelivery(outcome.MemberIds, view));
    }

    private static string Preview(string text) => TextElements.Truncate(text, 100);
}

/// <summary>
/// The "sent" tick: the message is committed at <see cref="Seq"/>. <see cref="Delivery"/> is what its recipients get;
/// a retry of a stored send has none (nothing is delivered twice).
/// </summary>
internal sealed record SentMessage(Guid ConversationId, Guid ClientMsgId, Guid MessageId, long Seq, DateTimeOffset SentAt, EntryDelivery? Delivery);
