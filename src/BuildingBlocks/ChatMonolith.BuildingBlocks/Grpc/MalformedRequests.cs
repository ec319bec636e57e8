using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using ChatMonolith.BuildingBlocks.Errors;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatMonolith.BuildingBlocks.Grpc;

/// <summary>
/// A request that does not decode (invalid UTF-8 in a string, a wrong wire type, a truncated message) is the client's
/// mistake: it is answered INVALID_ARGUMENT with <c>ErrorInfo</c> reason <see cref="Reason"/>, on a unary call as on a
/// stream, where it ends the stream.
/// </summary>
/// <remarks>
/// Grpc.AspNetCore decodes a unary request before any interceptor runs and answers a decoding exception UNKNOWN, and a
/// stream's decoding exception (<see cref="InvalidProtocolBufferException"/>, an <see cref="IOException"/>) looks like
/// a cut connection. So every method is bound here, as Grpc.AspNetCore's own binder does it, but with a request
/// marshaller whose decoding failure is an <see cref="RpcException"/> carrying that status, which both paths pass on as
/// it is.
/// </remarks>
public static class MalformedRequests
{
    public const string Reason = "MALFORMED_REQUEST";

    /// <summary>Binds every gRPC service of the host with <see cref="Decoding{T}"/> request marshallers.</summary>
    public static IServiceCollection AddMalformedRequestAnswers(this IServiceCollection services)
    {
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.TryAddEnumerable(ServiceDescriptor.Singleton(typeof(IServiceMethodProvider<>), typeof(DecodingServiceMethodProvider<>)));
        return services;
    }

    /// <summary>The marshaller, with decoding failures answered as the client's mistake.</summary>
    public static Marshaller<T> Decoding<T>(Marshaller<T> marshaller) => Marshallers.Create(
        marshaller.ContextualSerializer,
        context =>
        {
            try
            {
                return marshaller.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw ErrorMappingInterceptor.ToStatus(ChatException.Of(StatusCode.InvalidArgument, Reason, "The request could not be decoded: " + e.Message)).ToRpcException();
            }
        });

    private sealed class DecodingServiceMethodProvider<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] TService>
        : IServiceMethodProvider<TService>
        where TService : class
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                // On the generated base itself, not inherited by the service that derives from it.
                if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind)
                {
                    var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Static | BindingFlags.Public, [typeof(ServiceBinderBase), type])
                        ?? throw new InvalidOperationException($"{bind.BindType}.{bind.BindMethodName} does not bind {type}.");
                    method.Invoke(null, [new Binder<TService>(context, type), null]);
                    return;
                }
            }
        }
    }

    /// <summary>What Grpc.AspNetCore's binder does: each method of the generated base, invoked on the service's override.</summary>
    private sealed class Binder<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicMethods)] TService>(
        ServiceMethodProviderContext<TService> context, Type serviceBase) : ServiceBinderBase
        where TService : class
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            context.AddUnaryMethod(Decode(method), Metadata(method.Name, out var target), Bind<UnaryServerMethod<TService, TRequest, TResponse>>(target));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddServerStreamingMethod(Decode(method), Metadata(method.Name, out var target), Bind<ServerStreamingServerMethod<TService, TRequest, TResponse>>(target));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddClientStreamingMethod(Decode(method), Metadata(method.Name, out var target), Bind<ClientStreamingServerMethod<TService, TRequest, TResponse>>(target));

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            context.AddDuplexStreamingMethod(Decode(method), Metadata(method.Name, out var target), Bind<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(target));

        private static Method<TRequest, TResponse> Decode<TRequest, TResponse>(Method<TRequest, TResponse> method)
            where TRequest : class
            where TResponse : class =>
            new(method.Type, method.ServiceName, method.Name, Decoding(method.RequestMarshaller), method.ResponseMarshaller);

        private static TDelegate Bind<TDelegate>(MethodInfo target)
            where TDelegate : Delegate => (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), target);

        /// <summary>The service's override of the generated method, and the endpoint metadata Grpc.AspNetCore gives it.</summary>
        private List<object> Metadata(string name, out MethodInfo target)
        {
            target = typeof(TService).GetMethods(BindingFlags.Instance | BindingFlags.Public)
                .SingleOrDefault(m => m.Name == name && m.GetBaseDefinition().DeclaringType == serviceBase)
                ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            return
            [
                .. typeof(TService).GetCustomAttributes(inherit: true),
                .. target.GetCustomAttributes(inherit: true),
                new HttpMethodMetadata(["POST"], acceptCorsPreflight: true),
            ];
        }
    }
}
