using Google.Rpc;
using Grpc.Core;

namespace ChatMonolith.Client;

/// <summary>
/// A call or a send the server refused, or a session that ended. <see cref="Reason"/> is the server's stable
/// UPPER_SNAKE reason (from <c>google.rpc.ErrorInfo</c>), such as <c>NOT_A_MEMBER</c> or <c>SEND_RATE_LIMITED</c>;
/// <see cref="Code"/> is the gRPC status code.
/// </summary>
public sealed class ChatException : Exception
{
    /// <summary>Creates an exception with the server's code, reason and message.</summary>
    public ChatException(StatusCode code, string reason, string message, TimeSpan? retryAfter = null, IReadOnlyList<string>? invalidFields = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Reason = reason;
        RetryAfter = retryAfter;
        InvalidFields = invalidFields ?? [];
    }

    /// <summary>Creates an exception without a server reason.</summary>
    public ChatException()
        : this(StatusCode.Unknown, "", "The chat call failed.")
    {
    }

    /// <summary>Creates an exception without a server reason.</summary>
    public ChatException(string message)
        : this(StatusCode.Unknown, "", message)
    {
    }

    /// <summary>Creates an exception without a server reason.</summary>
    public ChatException(string message, Exception innerException)
        : this(StatusCode.Unknown, "", message, inner: innerException)
    {
    }

    /// <summary>The gRPC status code of the refusal.</summary>
    public StatusCode Code { get; }

    /// <summary>The server's reason (<c>google.rpc.ErrorInfo.reason</c>); empty when the server gave none, as for a broken connection.</summary>
    public string Reason { get; }

    /// <summary>When the same request may succeed (<c>google.rpc.RetryInfo</c>): set for rate limits and outages.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The request fields the server named as invalid (<c>google.rpc.BadRequest</c>).</summary>
    public IReadOnlyList<string> InvalidFields { get; }

    internal static ChatException From(RpcException e)
    {
        var status = e.GetRpcStatus();
        var reason = status?.GetDetail<ErrorInfo>()?.Reason ?? "";
        var retry = status?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan();
        var fields = status?.GetDetail<BadRequest>()?.FieldViolations.Select(v => v.Field).ToArray();
        return new ChatException(e.StatusCode, reason, e.Status.Detail, retry, fields, e);
    }

    internal static ChatException From(Protos.Messaging.V1.RequestRejected rejected) =>
        new((StatusCode)rejected.Code, rejected.Reason, rejected.Message, rejected.RetryAfter?.ToTimeSpan(), [.. rejected.InvalidFields]);
}
