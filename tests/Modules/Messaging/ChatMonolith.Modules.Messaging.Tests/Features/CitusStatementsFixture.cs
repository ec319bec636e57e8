using ChatMonolith.Testing;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>
/// A host on plain PostgreSQL that writes its hot statements as on Citus (one shard each: sends per conversation, a
/// stream's membership windows in two round trips), so those statements are tested here too.
/// </summary>
public sealed class CitusStatementsFixture : ChatHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("Messaging:Database", "Citus")];
}
