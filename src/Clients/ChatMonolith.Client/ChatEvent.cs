namespace ChatMonolith.Client;

/// <summary>
/// Something that happened, read from <see cref="ChatClient.ReadEventsAsync"/>. Messages come in seq order per
/// conversation and never twice, across reconnects and, with a persistent store, across restarts.
/// </summary>
public abstract record ChatEvent;

/// <summary>A message arrived (one's own from this or another device too).</summary>
/// <param name="Message">The message.</param>
public sealed record MessageReceived(ChatMessage Message) : ChatEvent;

/// <summary>A message this device queued was stored: its "sent" tick. Also raised for sends restored from the store after a restart.</summary>
/// <param name="Sent">The acknowledgement.</param>
public sealed record MessageSent(SentMessage Sent) : ChatEvent;

/// <summary>A queued send was refused for good (not a member, invalid text) and left the outgoing queue.</summary>
/// <param name="ConversationId">The conversation it was for.</param>
/// <param name="ClientMsgId">Its id.</param>
/// <param name="Error">Why.</param>
public sealed record SendFailed(string ConversationId, string ClientMsgId, ChatException Error) : ChatEvent;

/// <summary>A member's watermarks changed: ticks for one's own messages, unread counts for one's own reads.</summary>
/// <param name="Receipt">The new watermarks.</param>
public sealed record ReceiptChanged(Receipt Receipt) : ChatEvent;

/// <summary>A watched user's presence changed (or its first state after watching).</summary>
/// <param name="Presence">The new presence.</param>
public sealed record PresenceChanged(Presence Presence) : ChatEvent;

/// <summary>Someone started or stopped typing.</summary>
/// <param name="Typing">Who, where, and until when.</param>
public sealed record TypingChanged(Typing Typing) : ChatEvent;

/// <summary>A conversation's members, title or roles changed; the message with the same seq says how.</summary>
/// <param name="Conversation">Its new state (caller-specific fields are left empty).</param>
public sealed record ConversationChanged(Conversation Conversation) : ChatEvent;

/// <summary>How the device's stream stands.</summary>
public enum ConnectionState
{
    /// <summary>Opening a stream.</summary>
    Connecting,

    /// <summary>Caught up and live.</summary>
    Connected,

    /// <summary>The stream broke; a reconnect follows after <see cref="ConnectionChanged.RetryIn"/>.</summary>
    Disconnected,

    /// <summary>The same device opened a newer stream elsewhere; this client does not reconnect on its own.</summary>
    Replaced,

    /// <summary>The session ended (logged out, revoked, refresh refused); log in again.</summary>
    SignedOut,

    /// <summary>The client was disposed.</summary>
    Closed,
}

/// <summary>The stream's state changed.</summary>
/// <param name="State">The new state.</param>
/// <param name="Error">What ended the previous stream, when something did.</param>
/// <param name="RetryIn">For <see cref="ConnectionState.Disconnected"/>: the backoff before the next attempt.</param>
public sealed record ConnectionChanged(ConnectionState State, ChatException? Error = null, TimeSpan? RetryIn = null) : ChatEvent;
