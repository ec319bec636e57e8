using ChatMonolith.BuildingBlocks.Errors;

namespace ChatMonolith.Modules.Messaging.Contracts;

/// <summary>
/// The answers about conversation access that every module gives alike (Presence's typing as Messaging's reads and
/// sends), so that no module's answer tells a stranger more than another's.
/// </summary>
public static class ConversationErrors
{
    /// <summary>For an id that names no conversation and for one the caller was never in: the same answer, word for word.</summary>
    public static ChatException NotFound() =>
        ChatException.NotFound("CONVERSATION_NOT_FOUND", "There is no conversation with that id.");

    /// <summary>For a past member: they know the conversation, and may read it up to their removal.</summary>
    public static ChatException NotAMember() =>
        ChatException.PermissionDenied("NOT_A_MEMBER", "You are not a member of this conversation.");
}
