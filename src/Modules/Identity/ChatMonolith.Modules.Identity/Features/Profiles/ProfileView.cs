namespace ChatMonolith.Modules.Identity.Features.Profiles;

public sealed record ProfileView(Guid UserId, string Username, string DisplayName, DateTimeOffset CreatedAt);
