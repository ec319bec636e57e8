using ChatMonolith.Protos.Identity.V1;
using ChatMonolith.Testing;
using Grpc.Core;
using Npgsql;

namespace ChatMonolith.Host.Tests;

public sealed class ErrorMappingTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    [Fact]
    public async Task Given_the_database_fails_under_a_call_When_calling_Then_the_answer_is_internal_without_internals_and_the_host_recovers()
    {
        var session = await host.Channel.RegisterAndLoginAsync();
        var identity = host.Channel.Identity();
        var request = new GetProfileRequest { UserId = session.UserId };

        await ExecuteAsync("ALTER TABLE identity.users RENAME TO users_moved_away");
        var failure = await RpcAssert.FailsWithAsync(StatusCode.Internal,
            () => identity.GetProfileAsync(request, session.Auth).ResponseAsync);
        await ExecuteAsync("ALTER TABLE identity.users_moved_away RENAME TO users");

        Assert.Equal("INTERNAL", failure.Reason());
        Assert.Equal("An internal error occurred.", failure.Status.Detail);
        Assert.DoesNotContain(failure.Trailers, t => t.IsBinary ? false : t.Value.Contains(" at ", StringComparison.Ordinal));
        Assert.DoesNotContain("users_moved_away", failure.ToString(), StringComparison.Ordinal);

        var profile = await identity.GetProfileAsync(request, session.Auth);
        Assert.Equal(session.Username, profile.Profile.Username);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
