namespace ChatMonolith.Client;

/// <summary>A message of a conversation: a text, or a system change (members, title, roles) that took a seq too.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="Seq">Its place in the conversation: gapless, from 1.</param>
/// <param name="MessageId">The server's id.</param>
/// <param name="SenderId">Who sent it; for a system change, who made it.</param>
/// <param name="ClientMsgId">The sender's id for it (empty for a system change).</param>
/// <param name="SentAt">When the server stored it.</param>
/// <param name="Text">The text; null for a system change.</param>
/// <param name="Change">The system change; null for a text.</param>
public sealed record ChatMessage(
    string ConversationId,
    long Seq,
    string MessageId,
    string SenderId,
    string ClientMsgId,
    DateTimeOffset SentAt,
    string? Text,
    SystemChange? Change);

/// <summary>What kind of system change a message records.</summary>
public enum SystemChangeKind
{
    /// <summary>Not known to this client version.</summary>
    Unknown = 0,

    /// <summary>The conversation was created.</summary>
    ConversationCreated = 1,

    /// <summary>Members were added.</summary>
    MembersAdded = 2,

    /// <summary>A member was removed by an admin.</summary>
    MemberRemoved = 3,

    /// <summary>A member left.</summary>
    MemberLeft = 4,

    /// <summary>The group was renamed.</summary>
    GroupRenamed = 5,

    /// <summary>A member became an admin.</summary>
    MemberPromoted = 6,

    /// <summary>An admin became a plain member.</summary>
    MemberDemoted = 7,
}

/// <summary>A system change: its kind, the users it names and, for a rename or a creation, the title.</summary>
public sealed record SystemChange(SystemChangeKind Kind, IReadOnlyList<string> UserIds, string Title);

/// <summary>A direct chat or a group.</summary>
public enum ConversationKind
{
    /// <summary>Not known to this client version.</summary>
    Unknown = 0,

    /// <summary>Two people.</summary>
    Direct = 1,

    /// <summary>A group with a title, admins and members.</summary>
    Group = 2,
}

/// <summary>A member's role in a group.</summary>
public enum MemberRole
{
    /// <summary>Not known to this client version.</summary>
    Unknown = 0,

    /// <summary>A plain member.</summary>
    Member = 1,

    /// <summary>May add, remove, rename and promote.</summary>
    Admin = 2,
}

/// <summary>A member of a conversation.</summary>
/// <param name="UserId">The member.</param>
/// <param name="Role">Their role.</param>
/// <param name="JoinedSeq">The seq of the change that made them a member: they read from there on.</param>
public sealed record Member(string UserId, MemberRole Role, long JoinedSeq);

/// <summary>A conversation as the caller sees it.</summary>
/// <param name="ConversationId">Its id.</param>
/// <param name="Kind">Direct or group.</param>
/// <param name="Title">A group's title; empty for a direct chat.</param>
/// <param name="LastSeq">The newest seq.</param>
/// <param name="LastActivityAt">When it last changed.</param>
/// <param name="Members">Its members (for a past member: as they were when the caller left).</param>
/// <param name="LastMessage">The newest message the caller may read, for a preview; null when none.</param>
/// <param name="RemovedSeq">For a past member, the seq of their removal; 0 for a member.</param>
/// <param name="UnreadCount">Messages after the caller's read position.</param>
public sealed record Conversation(
    string ConversationId,
    ConversationKind Kind,
    string Title,
    long LastSeq,
    DateTimeOffset? LastActivityAt,
    IReadOnlyList<Member> Members,
    ChatMessage? LastMessage,
    long RemovedSeq,
    long UnreadCount);

/// <summary>A page of the caller's conversations, newest activity first.</summary>
/// <param name="Conversations">This page.</param>
/// <param name="NextCursor">The cursor of the next page; null after the last.</param>
public sealed record ConversationPage(IReadOnlyList<Conversation> Conversations, string? NextCursor);

/// <summary>A page of a conversation's history, in seq order.</summary>
/// <param name="Messages">This page, oldest first.</param>
/// <param name="HasMore">Whether there is more in the direction asked.</param>
/// <param name="NextAnchorSeq">The anchor of the next page in that direction.</param>
public sealed record MessagePage(IReadOnlyList<ChatMessage> Messages, bool HasMore, long NextAnchorSeq);

/// <summary>A stored message's acknowledgement: the "sent" tick.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="ClientMsgId">The id the client gave it.</param>
/// <param name="MessageId">The server's id.</param>
/// <param name="Seq">Its seq.</param>
/// <param name="SentAt">When it was stored.</param>
public sealed record SentMessage(string ConversationId, string ClientMsgId, string MessageId, long Seq, DateTimeOffset SentAt);

/// <summary>
/// A member's delivery and read watermarks in a conversation, and the group aggregate: every message up to
/// <see cref="DeliveredToAllSeq"/> reached every other member, up to <see cref="ReadByAllSeq"/> was read by all.
/// </summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">Whose watermarks.</param>
/// <param name="DeliveredSeq">The highest seq one of their devices received.</param>
/// <param name="DeliveredAt">When.</param>
/// <param name="ReadSeq">The highest seq they read (0 when they hide reads).</param>
/// <param name="ReadAt">When.</param>
/// <param name="DeliveredToAllSeq">The "delivered" tick for the sender's messages up to here.</param>
/// <param name="ReadByAllSeq">The "read" tick for the sender's messages up to here.</param>
public sealed record Receipt(
    string ConversationId,
    string UserId,
    long DeliveredSeq,
    DateTimeOffset? DeliveredAt,
    long ReadSeq,
    DateTimeOffset? ReadAt,
    long DeliveredToAllSeq,
    long ReadByAllSeq);

/// <summary>Whether a user is online.</summary>
public enum PresenceState
{
    /// <summary>Not known to this client version.</summary>
    Unknown = 0,

    /// <summary>A device of theirs is connected.</summary>
    Online = 1,

    /// <summary>No device is connected; <see cref="Presence.LastSeenAt"/> says since when.</summary>
    Offline = 2,

    /// <summary>They show their presence to nobody (or not to the caller).</summary>
    Hidden = 3,
}

/// <summary>A watched user's presence.</summary>
/// <param name="UserId">The user.</param>
/// <param name="State">Online, offline or hidden.</param>
/// <param name="LastSeenAt">For offline: when they were last online.</param>
public sealed record Presence(string UserId, PresenceState State, DateTimeOffset? LastSeenAt);

/// <summary>A member typing, or stopping, in a conversation.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="UserId">Who.</param>
/// <param name="IsTyping">Started (true) or stopped.</param>
/// <param name="ExpiresAt">When a start ends on its own unless renewed.</param>
public sealed record Typing(string ConversationId, string UserId, bool IsTyping, DateTimeOffset? ExpiresAt);

/// <summary>What marking a conversation read left.</summary>
/// <param name="ReadSeq">The read position after the call.</param>
/// <param name="UnreadCount">Messages after it.</param>
public sealed record ReadPosition(long ReadSeq, long UnreadCount);

/// <summary>A member's delivery and read of one message (message info, the sender's alone).</summary>
/// <param name="UserId">The member.</param>
/// <param name="DeliveredAt">When one of their devices had it; null before.</param>
/// <param name="ReadAt">When they read it; null before, or when they hide reads.</param>
public sealed record MemberReceipt(string UserId, DateTimeOffset? DeliveredAt, DateTimeOffset? ReadAt);

/// <summary>The device a session runs on.</summary>
public enum Platform
{
    /// <summary>Not known to this client version.</summary>
    Unknown = 0,

    /// <summary>Android.</summary>
    Android = 1,

    /// <summary>iOS.</summary>
    Ios = 2,

    /// <summary>A browser.</summary>
    Web = 3,

    /// <summary>A desktop or command-line app.</summary>
    Desktop = 4,
}

/// <summary>One of the user's devices.</summary>
/// <param name="DeviceId">Its id.</param>
/// <param name="Name">The name given at login.</param>
/// <param name="Platform">Its platform.</param>
/// <param name="CreatedAt">When it logged in.</param>
/// <param name="LastActiveAt">When it was last used.</param>
/// <param name="RevokedAt">When it was signed out; null while active.</param>
/// <param name="IsCurrent">The device making the call.</param>
public sealed record Device(string DeviceId, string Name, Platform Platform, DateTimeOffset? CreatedAt, DateTimeOffset? LastActiveAt, DateTimeOffset? RevokedAt, bool IsCurrent);

/// <summary>A user's public profile.</summary>
/// <param name="UserId">Their id.</param>
/// <param name="Username">Their unique username.</param>
/// <param name="DisplayName">The name shown to others.</param>
public sealed record Profile(string UserId, string Username, string DisplayName);
