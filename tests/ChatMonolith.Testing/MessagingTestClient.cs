using ChatMonolith.Protos.Messaging.V1;
using Grpc.Net.Client;

namespace ChatMonolith.Testing;

public static class MessagingTestClient
{
    public static ConversationService.ConversationServiceClient Conversations(this GrpcChannel channel) => new(channel);

    public static ChatStreamService.ChatStreamServiceClient Streams(this GrpcChannel channel) => new(channel);

    public static async Task<Conversation> OpenDirectChatAsync(this GrpcChannel channel, TestSession me, TestSession other) =>
        (await channel.Conversations().OpenDirectChatAsync(new OpenDirectChatRequest { UserId = other.UserId }, me.Auth)).Conversation;

    public static async Task<Conversation> CreateGroupAsync(this GrpcChannel channel, TestSession creator, string title, IEnumerable<TestSession> members)
    {
        var request = new CreateGroupRequest { Title = title };
        request.MemberIds.AddRange(members.Select(m => m.UserId));
        return (await channel.Conversations().CreateGroupAsync(request, creator.Auth)).Conversation;
    }

    public static async Task<SendAccepted> SendAsync(this GrpcChannel channel, TestSession sender, string conversationId, string text, string? clientMsgId = null) =>
        (await channel.Streams().SendMessageAsync(new SendMessageRequest
        {
            ConversationId = conversationId,
            ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString(),
            Text = text,
        }, sender.Auth)).Accepted;
}
