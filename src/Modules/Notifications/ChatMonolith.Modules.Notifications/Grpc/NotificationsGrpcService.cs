using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Notifications.Features.Mutes;
using ChatMonolith.Modules.Notifications.Features.Targets;
using ChatMonolith.Protos.Notifications.V1;
using Grpc.Core;
using Wolverine;
using PushTargetView = ChatMonolith.Modules.Notifications.Features.Targets.PushTargetView;

namespace ChatMonolith.Modules.Notifications.Grpc;

internal sealed class NotificationsGrpcService(IMessageBus bus, PushTargetRules rules) : NotificationsService.NotificationsServiceBase
{
    public override Task<GetWebPushKeyResponse> GetWebPushKey(GetWebPushKeyRequest request, ServerCallContext context) =>
        Task.FromResult(new GetWebPushKeyResponse { VapidPublicKey = rules.WebPushPublicKey });

    public override async Task<SetPushTargetResponse> SetPushTarget(SetPushTargetRequest request, ServerCallContext context)
    {
        var command = request.TargetCase switch
        {
            SetPushTargetRequest.TargetOneofCase.Fcm => Target(context, PushProvider.Fcm, request.Fcm.RegistrationToken),
            SetPushTargetRequest.TargetOneofCase.Apns => Target(context, PushProvider.Apns, request.Apns.DeviceToken) with
            {
                ApnsTopic = request.Apns.Topic,
                ApnsEnvironment = (int)request.Apns.Environment,
            },
            SetPushTargetRequest.TargetOneofCase.WebPush => Target(context, PushProvider.WebPush, request.WebPush.Endpoint) with
            {
                WebPushP256dh = new Secret(request.WebPush.P256Dh),
                WebPushAuth = new Secret(request.WebPush.Auth),
            },
            _ => throw ChatException.InvalidArgument([new FieldViolation("target", "is required: one of fcm, apns and web_push")]),
        };
        var target = await bus.InvokeAsync<PushTargetView>(command, context.CancellationToken);
        return new SetPushTargetResponse { Target = ToProto(target) };
    }

    public override async Task<RemovePushTargetResponse> RemovePushTarget(RemovePushTargetRequest request, ServerCallContext context) =>
        new() { Removed = await bus.InvokeAsync<bool>(new RemovePushTarget(context.GetCaller()), context.CancellationToken) };

    public override async Task<ListPushTargetsResponse> ListPushTargets(ListPushTargetsRequest request, ServerCallContext context)
    {
        var targets = await bus.InvokeAsync<IReadOnlyList<PushTargetView>>(new ListPushTargets(context.GetCaller()), context.CancellationToken);
        var response = new ListPushTargetsResponse();
        response.Targets.AddRange(targets.Select(ToProto));
        return response;
    }

    public override async Task<SetMuteResponse> SetMute(SetMuteRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v =>
        {
            v.Require(request.MuteCase != SetMuteRequest.MuteOneofCase.None, "mute", "is required: one of until, forever and unmute");
            v.Require(request.MuteCase != SetMuteRequest.MuteOneofCase.Forever || request.Forever, "forever", "must be true when set");
            v.Require(request.MuteCase != SetMuteRequest.MuteOneofCase.Unmute || request.Unmute, "unmute", "must be true when set");
            return v.Uuid(request.ConversationId, "conversation_id");
        });
        var until = request.MuteCase == SetMuteRequest.MuteOneofCase.Until ? ProtoTime.ToDateTimeOffset(request.Until, "until") : (DateTimeOffset?)null;
        var mute = await bus.InvokeAsync<MuteView?>(
            new SetMute(context.GetCaller(), conversationId, until, request.MuteCase == SetMuteRequest.MuteOneofCase.Unmute), context.CancellationToken);
        return new SetMuteResponse { Mute = mute is null ? null : ToProto(mute) };
    }

    public override async Task<ListMutesResponse> ListMutes(ListMutesRequest request, ServerCallContext context)
    {
        var mutes = await bus.InvokeAsync<IReadOnlyList<MuteView>>(new ListMutes(context.GetCaller()), context.CancellationToken);
        var response = new ListMutesResponse();
        response.Mutes.AddRange(mutes.Select(ToProto));
        return response;
    }

    private static SetPushTarget Target(ServerCallContext context, PushProvider provider, string address) =>
        new(context.GetCaller(), (int)provider, new Secret(address), "", 0, default, default);

    private static Protos.Notifications.V1.PushTargetView ToProto(PushTargetView view) => new()
    {
        DeviceId = view.DeviceId.ToString(),
        Provider = (PushProvider)view.Provider,
        Detail = view.Detail,
        UpdatedAt = ProtoTime.From(view.UpdatedAt),
    };

    private static Mute ToProto(MuteView view) => new() { ConversationId = view.ConversationId.ToString(), Until = ProtoTime.From(view.Until) };
}
