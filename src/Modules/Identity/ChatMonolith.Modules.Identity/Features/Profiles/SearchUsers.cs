using System.Buffers.Text;
using System.Text;
using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Features.Register;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace ChatMonolith.Modules.Identity.Features.Profiles;

public sealed record SearchUsers(string Prefix, int PageSize, string Cursor);

public sealed record ProfilePage(IReadOnlyList<ProfileView> Users, string NextCursor);

/// <summary>Reads only: no transaction, no outbox.</summary>
[NonTransactional]
public static class SearchUsersHandler
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static async Task<ProfilePage> Handle(SearchUsers query, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var prefix = Usernames.Normalize(query.Prefix);
        var after = DecodeCursor(query.Cursor);
        new Validator()
            .Require(Usernames.IsValidPrefix(prefix), "prefix", "must be 1 to 32 characters of a-z, 0-9, '_' and '.'")
            .Require(query.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be 1 to {MaxPageSize}")
            .Require(after is not null, "cursor", "is not a cursor this server issued")
            .ThrowIfInvalid();

        var pageSize = query.PageSize == 0 ? DefaultPageSize : query.PageSize;
        // Every username character sorts below '~', so [prefix, prefix + "~") is exactly the usernames with the prefix.
        var upperBound = prefix + "~";
        var lowerBound = string.CompareOrdinal(after, prefix) > 0 ? after! : prefix;
        var claims = await db.Usernames.AsNoTracking()
            .Where(c => string.Compare(c.Username, lowerBound) >= 0 && string.Compare(c.Username, upperBound) < 0)
            .Where(c => c.Username != after)
            .OrderBy(c => c.Username)
            .Take(pageSize + 1)
            .ToListAsync(cancellationToken);

        var page = claims.Take(pageSize).ToList();
        var ids = page.Select(c => c.UserId).ToList();
        var profiles = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.UserId))
            .Select(u => new ProfileView(u.UserId, u.Username, u.DisplayName, u.CreatedAt))
            .ToDictionaryAsync(p => p.UserId, cancellationToken);

        var users = page.Where(c => profiles.ContainsKey(c.UserId)).Select(c => profiles[c.UserId]).ToList();
        var nextCursor = claims.Count > pageSize ? EncodeCursor(page[^1].Username) : "";
        return new ProfilePage(users, nextCursor);
    }

    private static string EncodeCursor(string username) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(username));

    private static string? DecodeCursor(string cursor)
    {
        if (cursor.Length == 0)
        {
            return "";
        }

        try
        {
            var username = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return Usernames.IsValid(username) ? username : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
