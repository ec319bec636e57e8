using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Status = Google.Rpc.Status;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>
/// Every failed gRPC call carries <c>google.rpc</c> details, even one that Grpc.AspNetCore refuses itself before any
/// code of ours runs (a message over the size limit, an unknown method): a status without
/// <c>grpc-status-details-bin</c> gets one with an <c>ErrorInfo</c> whose reason is the status code's name.
/// </summary>
public static class StatusDetails
{
    private const string StatusKey = "grpc-status";
    private const string MessageKey = "grpc-message";
    private const string DetailsKey = "grpc-status-details-bin";

    /// <summary>Runs inside gRPC-Web's translation, so that its trailers in the body carry the details too.</summary>
    public static IApplicationBuilder UseGrpcStatusDetails(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true)
            {
                // A trailers-only answer has its status in the headers, as long as they are not sent yet.
                AddIfMissing(context.Response.HasStarted ? context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers : context.Response.Headers);
            }
        });

    private static void AddIfMissing(IHeaderDictionary? headers)
    {
        if (headers is null || headers.IsReadOnly || headers.ContainsKey(DetailsKey)
            || !int.TryParse(headers[StatusKey], out var code) || code == (int)StatusCode.OK)
        {
            return;
        }

        var message = headers[MessageKey].ToString();
        var status = new Status { Code = code, Message = message.Length > 0 ? Uri.UnescapeDataString(message) : "" };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = ReasonOf((StatusCode)code), Domain = ErrorMappingInterceptor.ErrorDomain }));
        headers[DetailsKey] = Convert.ToBase64String(status.ToByteArray()).TrimEnd('=');
    }

    /// <summary>RESOURCE_EXHAUSTED for <see cref="StatusCode.ResourceExhausted"/>, and so on.</summary>
    private static string ReasonOf(StatusCode code) =>
        string.Concat(code.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
