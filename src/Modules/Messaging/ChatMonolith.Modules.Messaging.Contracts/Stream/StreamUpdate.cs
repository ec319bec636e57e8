namespace ChatMonolith.Modules.Messaging.Contracts.Stream;

/// <summary>What other modules may put on a device's stream.</summary>
public abstract record StreamUpdate;
