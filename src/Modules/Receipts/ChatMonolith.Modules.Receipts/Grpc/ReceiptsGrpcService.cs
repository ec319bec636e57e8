using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Receipts.Features.MessageInfo;
using ChatMonolith.Modules.Receipts.Features.Settings;
using ChatMonolith.Protos.Receipts.V1;
using Grpc.Core;
using Wolverine;

namespace ChatMonolith.Modules.Receipts.Grpc;

internal sealed class ReceiptsGrpcService(IMessageBus bus) : ReceiptsService.ReceiptsServiceBase
{
    public override async Task<GetMessageInfoResponse> GetMessageInfo(GetMessageInfoRequest request, ServerCallContext context)
    {
        var conversationId = Validator.Parse(v => v.Uuid(request.ConversationId, "conversation_id"));
        var info = await bus.InvokeAsync<MessageInfoView>(new GetMessageInfo(context.GetCaller(), conversationId, request.Seq), context.CancellationToken);
        var response = new GetMessageInfoResponse { ConversationId = info.ConversationId.ToString(), Seq = info.Seq };
        response.Members.AddRange(info.Members.Select(m => new MemberReceipt
        {
            UserId = m.UserId.ToString(),
            Delivered = m.Delivered,
            DeliveredAt = ProtoTime.From(m.DeliveredAt),
            Read = m.Read,
            ReadAt = ProtoTime.From(m.ReadAt),
        }));
        return response;
    }

    public override async Task<GetReceiptSettingsResponse> GetReceiptSettings(GetReceiptSettingsRequest request, ServerCallContext context) =>
        new() { Settings = ToProto(await bus.InvokeAsync<ReceiptSettingsView>(new GetReceiptSettings(context.GetCaller()), context.CancellationToken)) };

    public override async Task<UpdateReceiptSettingsResponse> UpdateReceiptSettings(UpdateReceiptSettingsRequest request, ServerCallContext context)
    {
        new Validator().Require(request.Settings is not null, "settings", "is required").ThrowIfInvalid();
        var updated = await bus.InvokeAsync<ReceiptSettingsView>(new UpdateReceiptSettings(context.GetCaller(), request.Settings!.ReadReceipts), context.CancellationToken);
        return new UpdateReceiptSettingsResponse { Settings = ToProto(updated) };
    }

    private static ReceiptSettings ToProto(ReceiptSettingsView view) => new() { ReadReceipts = view.ReadReceipts };
}
