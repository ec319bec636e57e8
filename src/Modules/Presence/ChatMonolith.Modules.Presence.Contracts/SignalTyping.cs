using ChatMonolith.BuildingBlocks.Security;

namespace ChatMonolith.Modules.Presence.Contracts;

/// <summary>The caller started (or refreshed) or stopped typing in a conversation they are a member of.</summary>
public sealed record SignalTyping(Caller Caller, Guid ConversationId, bool Typing);
