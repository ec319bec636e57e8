using ChatMonolith.Testing;

namespace ChatMonolith.Host.Tests;

/// <summary>A host never starts with a signing key anyone could know: none at all, a short one, or one once published.</summary>
public sealed class SigningKeyTests
{
    [Theory]
    [InlineData("", "Identity:SigningKey")]
    [InlineData("0123456789abcdef0123456789abcde", "at least 32 bytes")] // 31 bytes
    [InlineData("development-only-signing-key-change-me-in-production", "published in the ChatMonolith repository")]
    public async Task Given_a_key_that_is_missing_short_or_published_When_the_host_starts_Then_it_refuses_and_says_why(string key, string reason)
    {
        var database = await TestInfrastructure.CreateDatabaseAsync();
        var redis = await TestInfrastructure.RedisAsync();
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => HostProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings:Postgres"] = database,
                ["ConnectionStrings:Redis"] = redis,
                ["Identity:SigningKey"] = key,
            }));
            Assert.Contains("exited", refused.Message, StringComparison.Ordinal);
            Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await TestInfrastructure.DropDatabaseAsync(database);
        }
    }
}
