namespace ChatMonolith.Modules.Identity.Contracts;

/// <summary>Integration event: an account was created.</summary>
public sealed record UserRegistered(Guid UserId, string Username, string DisplayName, DateTimeOffset RegisteredAt);
