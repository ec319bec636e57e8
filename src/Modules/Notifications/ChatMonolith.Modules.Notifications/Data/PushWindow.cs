namespace ChatMonolith.Modules.Notifications.Data;

/// <summary>
/// One device's push for one conversation: the coalescing window that gathers a burst of messages into one push, and
/// afterwards what was pushed, so that a read can clear it. One row per (device, conversation), reused by each window.
/// </summary>
internal sealed class PushWindow
{
    public Guid UserId { get; init; }

    public Guid DeviceId { get; init; }

    public Guid ConversationId { get; init; }

    public PushKind Kind { get; set; }

    public PushState State { get; set; }

    /// <summary>The newest message the window holds: what the push names (with the conversation), so the app opens it and catches up.</summary>
    public long LastSeq { get; set; }

    public Guid SenderId { get; set; }

    public string Preview { get; set; } = "";

    /// <summary>The group's title; empty for a direct chat.</summary>
    public string Title { get; set; } = "";

    /// <summary>Unread in this conversation.</summary>
    public long Unread { get; set; }

    /// <summary>
    /// Unread over all the user's conversations (the badge); null until Messaging has counted it
    /// (<see cref="Features.Pushes.UnreadTotalsCountedHandler"/>), which every decision asks for.
    /// </summary>
    public long? Badge { get; set; }

    /// <summary>When the window closes and the push goes out; for a retry, when it is tried again.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>Which dispatcher claimed the push to send it: the claim that a restart finds, so that it is never sent twice.</summary>
    public Guid? ClaimId { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }

    public int Attempts { get; set; }

    /// <summary>The device shows a notification for this conversation: a read sends it the silent clear.</summary>
    public bool Shown { get; set; }
}

internal enum PushKind : short
{
    /// <summary>New messages: an alert with the count and the badge.</summary>
    Message = 1,

    /// <summary>Silent: the user read the conversation elsewhere, so the notification goes and the badge follows.</summary>
    Clear = 2,
}

internal enum PushState : short
{
    /// <summary>Waiting for its window to close, or for its next attempt.</summary>
    Pending = 1,

    /// <summary>Claimed by a dispatcher and on its way to the provider.</summary>
    Sending = 2,

    /// <summary>Sent, or no longer needed (read before it went out, target gone).</summary>
    Done = 3,

    /// <summary>Given up: the provider kept failing, or the outcome of a claimed send is unknown (at most once).</summary>
    Failed = 4,
}
