using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>Group creations per user per hour, here two: the third waits, with when to retry, and creates nothing.</summary>
public sealed class GroupCreationLimitTests(GroupCreationLimitTests.TwoAnHour host) : IClassFixture<GroupCreationLimitTests.TwoAnHour>
{
    [Fact]
    public async Task Given_a_user_who_created_two_groups_this_hour_When_they_create_a_third_Then_it_is_RESOURCE_EXHAUSTED_and_not_created()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var bob = await host.Channel.RegisterAndLoginAsync();
        await host.Channel.CreateGroupAsync(alice, "one", [bob]);
        await host.Channel.CreateGroupAsync(alice, "two", [bob]);

        var refused = await RpcAssert.FailsWithAsync(StatusCode.ResourceExhausted, () => host.Channel.CreateGroupAsync(alice, "three", [bob]));

        Assert.Equal("GROUP_CREATION_RATE_LIMITED", refused.Reason());
        Assert.InRange(refused.RetryDelay(), TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        await host.Channel.CreateGroupAsync(bob, "bob's own", [alice]);
        var bobs = await host.Channel.Conversations().ListConversationsAsync(new ListConversationsRequest { PageSize = 10 }, bob.Auth);
        Assert.Equal(["bob's own", "one", "two"], bobs.Conversations.Select(c => c.Title).Order());
    }

    public sealed class TwoAnHour : ChatHostFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Messaging:GroupCreationsPerUser", "2")];
    }
}
