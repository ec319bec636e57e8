using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using ChatMonolith.BuildingBlocks.Security;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatMonolith.Modules.Identity.Tokens;

/// <summary>
/// Issues and validates the short-lived JWT access tokens of devices. A token whose signature has been checked is
/// remembered until it expires (up to <see cref="MaxRememberedTokens"/>), so a device that reconnects or calls again
/// with it is not checked again: its expiry is, and revocation is checked per call by the caller of this class.
/// </summary>
internal sealed class AccessTokens
{
    /// <summary>About 1 KB each: a token, its caller and its expiry.</summary>
    internal const int MaxRememberedTokens = 20_000;

    /// <summary>How far ahead of this host's clock another host's may run: a token it issued just now is valid here.</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (Caller Caller, DateTime ExpiresAt)> _checked = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;
    private readonly IdentityOptions _options;
    private readonly TimeProvider _clock;

    internal AccessTokens(IOptions<IdentityOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_options.SigningKey));
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Issuer,
            IssuerSigningKey = key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            // Lifetime is checked below against the injected clock, so tests can move time.
            ValidateLifetime = false,
        };
    }

    internal TimeSpan Lifetime => _options.AccessTokenLifetime;

    internal (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId, Guid deviceId)
    {
        var now = _clock.GetUtcNow();
        var expiresAt = now + _options.AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [CallerClaims.UserId] = userId.ToString(),
                [CallerClaims.DeviceId] = deviceId.ToString(),
            },
            SigningCredentials = _credentials,
        });
        return (token, expiresAt);
    }

    /// <summary>The token's caller, or the UPPER_SNAKE reason it is refused.</summary>
    /// <param name="token">The JWT.</param>
    /// <param name="checkFirstUse">
    /// Asked once for a token whose signature is checked for the first time, before it is remembered: the reason to
    /// refuse its caller (a device that does not exist), or null.
    /// </param>
    internal async Task<(Caller? Caller, string? Failure)> ValidateAsync(string token, Func<Caller, Task<string?>> checkFirstUse)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_checked.TryGetValue(token, out var known))
        {
            return known.ExpiresAt > now ? (known.Caller, null) : (null, "TOKEN_EXPIRED");
        }

        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return (null, "TOKEN_INVALID");
        }

        if (jwt.ValidTo <= now)
        {
            return (null, "TOKEN_EXPIRED");
        }

        // Not valid yet: this server issues tokens valid from their issue, so one from the future was not made here.
        if (jwt.ValidFrom > now + ClockSkew || jwt.IssuedAt > now + ClockSkew)
        {
            return (null, "TOKEN_INVALID");
        }

        var caller = CallerExtensions.TryGetCaller(new ClaimsPrincipal(result.ClaimsIdentity));
        if (caller is null)
        {
            return (null, "TOKEN_INVALID");
        }

        if (await checkFirstUse(caller) is { } refused)
        {
            return (null, refused);
        }

        Remember(token, caller, jwt.ValidTo, now);
        return (caller, null);
    }

    /// <summary>When full, the expired are forgotten; if that is not enough, all are (they are checked again when used).</summary>
    private void Remember(string token, Caller caller, DateTime expiresAt, DateTime now)
    {
        if (_checked.Count >= MaxRememberedTokens)
        {
            foreach (var (expired, _) in _checked.Where(entry => entry.Value.ExpiresAt <= now))
            {
                _checked.TryRemove(expired, out _);
            }

            if (_checked.Count >= MaxRememberedTokens)
            {
                _checked.Clear();
            }
        }

        _checked.TryAdd(token, (caller, expiresAt));
    }
}
