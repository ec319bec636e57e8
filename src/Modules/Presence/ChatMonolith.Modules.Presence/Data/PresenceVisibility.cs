namespace ChatMonolith.Modules.Presence.Data;

/// <summary>Who sees a user's online status and last seen.</summary>
internal enum PresenceVisibility : short
{
    Everyone = 1,
    Conversations = 2,
    Nobody = 3,
}
