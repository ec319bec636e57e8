namespace ChatMonolith.Modules.Presence.Features;

/// <summary>What one user may know of another's presence.</summary>
internal enum PresenceAccess
{
    /// <summary>Not even that they hide it: they share no conversation (and the user does not show it to everyone).</summary>
    Denied,

    /// <summary>They share a conversation, but the user shows their presence to nobody.</summary>
    Hidden,

    Visible,
}
