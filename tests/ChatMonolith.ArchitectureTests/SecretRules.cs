using System.Reflection;
using System.Text.RegularExpressions;

namespace ChatMonolith.ArchitectureTests;

/// <summary>
/// A record prints every property in its <c>ToString</c>, and records are what gets logged: Wolverine writes a failed
/// command whole, and anyone may log a result. So a password, token or key in a record must be a
/// <c>BuildingBlocks.Security.Secret</c>, whose <c>ToString</c> is a mask, never a plain string.
/// </summary>
internal static partial class SecretRules
{
    [GeneratedRegex("password|token|secret|signingkey|privatekey|p256dh|^auth$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    public static IReadOnlyList<string> RecordsHoldNoPlainSecrets(IEnumerable<Type> types) =>
        types
            .Where(IsRecord)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.PropertyType == typeof(string) && SecretName().IsMatch(p.Name))
                .Select(p => $"{t.FullName}.{p.Name} is a plain string in a record, whose ToString would print it: make it a Secret"))
            .ToList();

    // The compiler gives every record (class or struct) a PrintMembers method; nothing else has one by that name.
    private static bool IsRecord(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Public, [typeof(System.Text.StringBuilder)]) is not null;
}
