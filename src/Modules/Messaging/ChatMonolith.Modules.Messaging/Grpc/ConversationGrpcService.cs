using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Features.Conversations;
using ChatMonolith.Modules.Messaging.Features.History;
using ChatMonolith.Protos.Messaging.V1;
using Grpc.Core;
using Wolverine;
using static ChatMonolith.Modules.Messaging.Grpc.MessagingProtoMapping;

namespace ChatMonolith.Modules.Messaging.Grpc;

internal sealed class ConversationGrpcService(IMessageBus bus) : ConversationService.ConversationServiceBase
{
    public override async Task<OpenDirectChatResponse> OpenDirectChat(OpenDirectChatRequest request, ServerCallContext context)
    {
        var userId = Validator.Parse(v => v.Uuid(request.UserId, "user_id"));
        var change = await bus.InvokeAsync<ConversationChange>(new OpenDirectChat(context.GetCaller(), userId), context.CancellationToken);
        return new OpenDirectChatResponse { Conversation = ToProto(change.Conversation) };
    }

    public override async Task<CreateGroupResponse> CreateGroup(CreateGroupRequest request, ServerCallContext context)
    {
        var members = Validator.Parse(v => request.MemberIds.Select((id, i) => v.Uuid(id, $"member_ids[{i}]")).ToList());
        var change = await bus.InvokeAsync<ConversationChange>(new CreateGroup(context.GetCaller(), request.Title, members), context.CancellationToken);
        return new CreateGroupResponse { Conversation = ToProto(change.Conversation) };
    }

    public override async Task<AddMembersResponse> AddMembers(AddMembersRequest request, ServerCallContext context)
    {
        var (conversationId, users) = Validator.Parse(v => (v.Uuid(request.ConversationId, "conversation_id"),
            request.UserIds.Select((id, i) => v.Uuid(id, $"user_ids[{i}]")).ToList()));
        var change = await bus.InvokeAsync<ConversationChange>(new AddMembers(context.GetCaller(), conversationId, users), context.CancellationToken);
        return new AddMembersResponse { Seq = change.Seq };
    }

    public override async Task<RemoveMemberResponse> RemoveMember(RemoveMemberRequest request, ServerCallContext context)
    {
        var (conversationId, userId) = Validator.Parse(v => (v.Uuid(request.ConversationId, "conversation_id"), v.Uuid(request.UserId, "user_id")));
        var change = await bus.InvokeAsync<ConversationChange>(new RemoveMember(context.GetCaller(), conversationId, userId), context.CancellationToken);
        return new RemoveMemberResponse { Seq = change.Seq };
    }

    public override async Task<LeaveGroupResponse> LeaveGroup(LeaveGroupRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        var change = await bus.InvokeAsync<ConversationChange>(new LeaveGroup(context.GetCaller(), conversationId), context.CancellationToken);
        return new LeaveGroupResponse { Seq = change.Seq };
    }

    public override async Task<RenameGroupResponse> RenameGroup(RenameGroupRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        var change = await bus.InvokeAsync<ConversationChange>(new RenameGroup(context.GetCaller(), conversationId, request.Title), context.CancellationToken);
        return new RenameGroupResponse { Seq = change.Seq };
    }

    public override async Task<SetMemberRoleResponse> SetMemberRole(SetMemberRoleRequest request, ServerCallContext context)
    {
        var (conversationId, userId) = Validator.Parse(v =>
        {
            v.Require(request.Role is MemberRole.Admin or MemberRole.Member, "role", "must be MEMBER_ROLE_ADMIN or MEMBER_ROLE_MEMBER");
            return (v.Uuid(request.ConversationId, "conversation_id"), v.Uuid(request.UserId, "user_id"));
        });
        var change = await bus.InvokeAsync<ConversationChange>(
            new SetMemberRole(context.GetCaller(), conversationId, userId, request.Role == MemberRole.Admin), context.CancellationToken);
        return new SetMemberRoleResponse { Seq = change.Seq };
    }

    public override async Task<GetConversationResponse> GetConversation(GetConversationRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        var view = await bus.InvokeAsync<ConversationView>(new GetConversation(context.GetCaller(), conversationId), context.CancellationToken);
        return new GetConversationResponse { Conversation = ToProto(view) };
    }

    public override async Task<ListConversationsResponse> ListConversations(ListConversationsRequest request, ServerCallContext context)
    {
        var page = await bus.InvokeAsync<ConversationPage>(
            new ListConversations(context.GetCaller(), request.PageSize, request.Cursor), context.CancellationToken);
        var response = new ListConversationsResponse { NextCursor = page.NextCursor };
        response.Conversations.AddRange(page.Conversations.Select(ToProto));
        return response;
    }

    public override async Task<GetMessagesResponse> GetMessages(GetMessagesRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v =>
        {
            v.Require(request.Direction != Direction.Unspecified, "direction", "must be DIRECTION_BEFORE or DIRECTION_AFTER");
            return v.Uuid(request.ConversationId, "conversation_id");
        });
        var page = await bus.InvokeAsync<MessagePage>(new GetMessages(context.GetCaller(), conversationId,
            request.Direction == Direction.Before, request.AnchorSeq, request.PageSize), context.CancellationToken);
        var response = new GetMessagesResponse { HasMore = page.HasMore, NextAnchorSeq = page.NextAnchorSeq };
        response.Messages.AddRange(page.Messages.Select(ToProto));
        return response;
    }

    public override async Task<SyncResponse> Sync(SyncRequest request, ServerCallContext context)
    {
        var page = await bus.InvokeAsync<SyncPage>(new Sync(context.GetCaller(), request.Cursor, request.PageSize), context.CancellationToken);
        var response = new SyncResponse { NextCursor = page.NextCursor, HasMore = page.HasMore };
        response.Messages.AddRange(page.Messages.Select(ToProto));
        return response;
    }
}
