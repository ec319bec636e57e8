using ChatMonolith.Protos.Messaging.V1;
using ChatMonolith.Testing;
using Grpc.Core;

namespace ChatMonolith.Modules.Messaging.Tests.Features;

/// <summary>A group's title: counted as a reader counts it, and nothing PostgreSQL cannot store.</summary>
public sealed class GroupTitleTests(ChatHostFixture host) : IClassFixture<ChatHostFixture>
{
    private const string Smile = "😀"; // two UTF-16 units, one text element
    private const string Flag = "🇩🇪"; // two code points, one text element

    private readonly ConversationService.ConversationServiceClient _conversations = host.Channel.Conversations();

    [Fact]
    public async Task Given_a_title_of_128_emoji_When_creating_a_group_Then_it_is_stored_as_written()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var title = string.Concat(Enumerable.Repeat(Smile, 64)) + string.Concat(Enumerable.Repeat(Flag, 64)); // 384 UTF-16 units

        var group = await host.Channel.CreateGroupAsync(alice, title, []);
        var stored = await _conversations.GetConversationAsync(new GetConversationRequest { ConversationId = group.ConversationId }, alice.Auth);

        Assert.Equal(title, stored.Conversation.Title);
    }

    [Fact]
    public async Task Given_a_title_of_129_emoji_When_creating_a_group_Then_the_answer_counts_characters()
    {
        var alice = await host.Channel.RegisterAndLoginAsync();

        var invalid = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _conversations.CreateGroupAsync(new CreateGroupRequest { Title = string.Concat(Enumerable.Repeat(Smile, 129)) }, alice.Auth).ResponseAsync);

        Assert.Equal(["title"], invalid.ViolatedFields());
        Assert.Equal(["must be at most 128 characters"], invalid.ViolationDescriptions());
    }

    [Theory]
    [InlineData("nul\0")]
    [InlineData("tab\there")]
    [InlineData("")]
    public async Task Given_a_title_with_a_control_character_or_none_When_creating_or_renaming_Then_the_answer_is_invalid_argument_and_nothing_changes(string title)
    {
        var alice = await host.Channel.RegisterAndLoginAsync();
        var created = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _conversations.CreateGroupAsync(new CreateGroupRequest { Title = title }, alice.Auth).ResponseAsync);
        var group = await host.Channel.CreateGroupAsync(alice, "kept", []);

        var renamed = await RpcAssert.FailsWithAsync(StatusCode.InvalidArgument,
            () => _conversations.RenameGroupAsync(new RenameGroupRequest { ConversationId = group.ConversationId, Title = title }, alice.Auth).ResponseAsync);

        Assert.Equal(["title"], created.ViolatedFields());
        Assert.Equal(["title"], renamed.ViolatedFields());
        var stored = await _conversations.GetConversationAsync(new GetConversationRequest { ConversationId = group.ConversationId }, alice.Auth);
        Assert.Equal("kept", stored.Conversation.Title);
        var listed = await _conversations.ListConversationsAsync(new ListConversationsRequest(), alice.Auth);
        Assert.Single(listed.Conversations); // the refused create stored nothing
    }
}
