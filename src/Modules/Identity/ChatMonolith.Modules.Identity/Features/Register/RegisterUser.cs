using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Contracts;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Features.Limits;
using ChatMonolith.Modules.Identity.Tokens;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ChatMonolith.Modules.Identity.Features.Register;

/// <summary>A registration; <paramref name="Source"/> is the client's address, for the limit per address.</summary>
public sealed record RegisterUser(string Username, string DisplayName, Secret Password, string Source);

public sealed record UserRegistration(Guid UserId, string Username);

public static class RegisterUserHandler
{
    public static async Task<(UserRegistration, UserRegistered)> Handle(
        RegisterUser command, IdentityDbContext db, Passwords passwords, IdentityLimits limits, TimeProvider clock, CancellationToken cancellationToken)
    {
        var username = Usernames.Normalize(command.Username);
        var validator = new Validator();
        var displayName = validator.Name(command.DisplayName, "display_name", User.MaxDisplayNameLength, required: false);
        validator
            .Require(Usernames.IsValid(username), "username", Usernames.Rule)
            .Require(command.Password.Reveal().Length is >= 8 and <= 256, "password", "must be 8 to 256 characters")
            .ThrowIfInvalid();

        await limits.BeforeRegistrationAsync(command.Source);
        if (await db.Usernames.AnyAsync(c => c.Username == username, cancellationToken))
        {
            throw UsernameTaken(username);
        }

        var user = new User
        {
            UserId = Guid.CreateVersion7(),
            Username = username,
            DisplayName = displayName.Length == 0 ? username : displayName,
            PasswordHash = passwords.Hash(command.Password.Reveal()),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Users.Add(user);
        db.Usernames.Add(new UsernameClaim { Username = username, UserId = user.UserId });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw UsernameTaken(username);
        }

        return (new UserRegistration(user.UserId, username),
            new UserRegistered(user.UserId, username, user.DisplayName, user.CreatedAt));
    }

    private static ChatException UsernameTaken(string username) =>
        ChatException.AlreadyExists("USERNAME_TAKEN", $"The username '{username}' is taken.");
}
