using System.Text.RegularExpressions;

namespace ChatMonolith.Modules.Identity.Features.Register;

internal static partial class Usernames
{
    public const string Rule = "must be 3 to 32 characters of a-z, 0-9, '_' and '.'";

    /// <summary>Usernames are unique regardless of case: they are stored and compared in lower case.</summary>
    public static string Normalize(string username) => username.Trim().ToLowerInvariant();

    public static bool IsValid(string normalized) => ValidUsername().IsMatch(normalized);

    public static bool IsValidPrefix(string normalized) => ValidPrefix().IsMatch(normalized);

    [GeneratedRegex("^[a-z0-9_.]{3,32}$")]
    private static partial Regex ValidUsername();

    [GeneratedRegex("^[a-z0-9_.]{1,32}$")]
    private static partial Regex ValidPrefix();
}
