using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>
/// Refuses every call that lacks a valid access token, unless its method or service is marked
/// <see cref="AllowAnonymousAttribute"/>. Secure by default: a new RPC needs a token until someone says otherwise.
/// </summary>
public sealed class AuthenticationRequiredInterceptor : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        return await continuation(request, context);
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        return await continuation(requestStream, context);
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        await continuation(request, responseStream, context);
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await EnsureAuthenticatedAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private static async ValueTask EnsureAuthenticatedAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (http.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is not null
            || CallerExtensions.TryGetCaller(http.User) is not null)
        {
            return;
        }

        // The authentication middleware keeps only successes; the handler caches its result per request, so asking
        // again for the failure costs nothing.
        var failure = (await http.AuthenticateAsync()).Failure;
        throw failure switch
        {
            null => ChatException.Unauthenticated("TOKEN_MISSING", "This call needs an access token in the authorization header."),
            { Message: CallerClaims.CheckUnavailable } => ChatException.Unavailable(CallerClaims.CheckUnavailable,
                "The server could not check the access token now; try again in a moment."),
            _ => ChatException.Unauthenticated(failure.Message, "The access token was refused: " + failure.Message + "."),
        };
    }
}
