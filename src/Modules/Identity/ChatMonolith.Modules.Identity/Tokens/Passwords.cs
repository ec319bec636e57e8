using ChatMonolith.Modules.Identity.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>ASP.NET Core Identity's PBKDF2 password hasher, with a dummy verification for unknown users.</summary>
public sealed class Passwords
{
    private readonly PasswordHasher<User> _hasher;
    private readonly string _dummyHash;

    internal Passwords(IOptions<IdentityOptions> options)
    {
        _hasher = new PasswordHasher<User>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.PasswordHashIterations,
        }));
        _dummyHash = _hasher.HashPassword(null!, Guid.NewGuid().ToString());
    }

    internal string Hash(string password) => _hasher.HashPassword(null!, password);

    internal PasswordVerificationResult Verify(User user, string password) =>
        _hasher.VerifyHashedPassword(user, user.PasswordHash, password);

    /// <summary>Spends the same time as a real check, so a wrong username and a wrong password look alike.</summary>
    internal void VerifyNothing(string password) => _hasher.VerifyHashedPassword(null!, _dummyHash, password);
}
