using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Modules.Presence.Features.Settings;
using ChatMonolith.Protos.Presence.V1;
using Grpc.Core;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Grpc;

/// <summary>The unary twins of the stream's heartbeat, typing and watch events, for browsers; and the user's settings.</summary>
internal sealed class PresenceGrpcService(IMessageBus bus) : PresenceService.PresenceServiceBase
{
    public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var accepted = await bus.InvokeAsync<HeartbeatAccepted>(new DeviceHeartbeat(context.GetCaller()), context.CancellationToken);
        return new HeartbeatResponse { IntervalSeconds = (int)accepted.Interval.TotalSeconds };
    }

    public override async Task<SetTypingResponse> SetTyping(SetTypingRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        await bus.InvokeAsync(new SignalTyping(context.GetCaller(), conversationId, request.Typing), context.CancellationToken);
        return new SetTypingResponse();
    }

    public override async Task<WatchPresenceResponse> WatchPresence(WatchPresenceRequest request, ServerCallContext context)
    {
        var userIds = Validator.Parse(v => request.UserIds.Select((id, i) => v.Uuid(id, $"user_ids[{i}]")).ToList());
        var snapshot = await bus.InvokeAsync<PresenceSnapshot>(new WatchPresence(context.GetCaller(), userIds), context.CancellationToken);
        var response = new WatchPresenceResponse();
        response.Presences.AddRange(snapshot.Presences);
        return response;
    }

    public override async Task<GetPresenceSettingsResponse> GetPresenceSettings(GetPresenceSettingsRequest request, ServerCallContext context) =>
        new() { Settings = ToProto(await bus.InvokeAsync<PresenceSettingsView>(new GetPresenceSettings(context.GetCaller()), context.CancellationToken)) };

    public override async Task<UpdatePresenceSettingsResponse> UpdatePresenceSettings(UpdatePresenceSettingsRequest request, ServerCallContext context)
    {
        new Validator().Require(request.Settings is not null, "settings", "is required").ThrowIfInvalid();
        var updated = await bus.InvokeAsync<PresenceSettingsView>(
            new UpdatePresenceSettings(context.GetCaller(), (short)request.Settings!.Visibility), context.CancellationToken);
        return new UpdatePresenceSettingsResponse { Settings = ToProto(updated) };
    }

    private static PresenceSettings ToProto(PresenceSettingsView view) => new() { Visibility = (PresenceVisibility)view.Visibility };
}
