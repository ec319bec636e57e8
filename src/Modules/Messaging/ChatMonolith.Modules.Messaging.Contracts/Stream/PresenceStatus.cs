namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>A user's presence as one watcher sees it.</summary>
public enum PresenceStatus
{
    /// <summary>Not known.</summary>
    Unspecified = 0,

    /// <summary>At least one device is connected.</summary>
    Online = 1,

    /// <summary>No device is connected.</summary>
    Offline = 2,

    /// <summary>The user does not show their presence to this watcher.</summary>
    Hidden = 3,
}
