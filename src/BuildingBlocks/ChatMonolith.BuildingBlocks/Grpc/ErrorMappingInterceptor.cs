using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Text;
using Google.Protobuf.WellKnownTypes;
using ChatMonolith.BuildingBlocks.Observability;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Status = Google.Rpc.Status;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>
/// The one place where failures become gRPC statuses: <see cref="ChatException"/> keeps its code and reason,
/// anything unexpected becomes INTERNAL with no stack trace sent to the client (it is logged instead).
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, ErrorMetrics metrics) : Interceptor
{
    /// <summary>The <c>ErrorInfo.domain</c> of every error this server raises.</summary>
    public const string ErrorDomain = "chatmonolith";

    /// <summary>The longest status message sent, in characters.</summary>
    public const int MaxMessageLength = 1000;

    /// <summary>What an UNAVAILABLE answer asks the client to wait before it tries again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception exception) when (exception is not RpcException)
        {
            throw Map(exception, context);
        }
    }

    /// <summary>Builds the status for a failure; also used by stream handlers that report an error without ending the stream.</summary>
    public static Status ToStatus(ChatException failure)
    {
        // Small whatever the request: a status travels in a header, and clients limit those.
        var status = new Status { Code = (int)failure.Code, Message = TextElements.Truncate(failure.Message, MaxMessageLength) };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = failure.Reason, Domain = ErrorDomain }));
        if (RetryDelayOf(failure) is { } retryAfter)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
        }

        if (failure.FieldViolations.Count > 0)
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(failure.FieldViolations.Select(v =>
                new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
            status.Details.Add(Any.Pack(badRequest));
        }

        return status;
    }

    /// <summary>When the request may be tried again (in whole milliseconds, so that a client waits at least that long), if it may.</summary>
    public static TimeSpan? RetryDelayOf(ChatException failure) =>
        failure.RetryAfter is { } retryAfter ? TimeSpan.FromMilliseconds(Math.Ceiling(retryAfter.TotalMilliseconds))
        : failure.Code == StatusCode.Unavailable ? RetryDelay
        : null;

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        if (FindChatException(exception) is { } failure)
        {
            // The client's own mistake, answered as such: not a server error, and logged without the request.
            logger.LogDebug("{Method} answered {Code} {Reason}", context.Method, failure.Code, failure.Reason);
            metrics.Record(failure);
            return ToStatus(failure).ToRpcException();
        }

        // The client went away (cancelled, reset the stream, lost the connection): whatever that made the call throw
        // (OperationCanceledException, IOException "the client reset the request stream") is not a server failure,
        // and there is no one left to answer.
        if (context.CancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(exception, "{Method} ended because its client went away", context.Method);
            return new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "The call was cancelled."));
        }

        // PostgreSQL or Redis away: the request was not done, and may be sent again.
        if (StoreFailures.IsStoreAway(exception))
        {
            logger.LogWarning("{Method} failed because a store is away: {Reason}", context.Method, exception.GetBaseException().Message);
            metrics.Record(StoreFailures.Unavailable);
            return ToStatus(StoreFailures.Unavailable).ToRpcException();
        }

        logger.LogError(exception, "Unhandled failure in {Method}", context.Method);
        metrics.Record(StatusCode.Internal, "INTERNAL");
        var status = new Status { Code = (int)StatusCode.Internal, Message = "An internal error occurred." };
        status.Details.Add(Any.Pack(new ErrorInfo { Reason = "INTERNAL", Domain = ErrorDomain }));
        return status.ToRpcException();
    }

    private static ChatException? FindChatException(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is ChatException failure)
            {
                return failure;
            }

            if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                return FindChatException(aggregate.InnerExceptions[0]);
            }
        }

        return null;
    }
}
