using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.BuildingBlocks.RateLimits;
using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Features;
using ChatMonolith.Modules.Messaging.Features.Conversations;
using ChatMonolith.Modules.Messaging.Features.Send;
using ChatMonolith.Modules.Messaging.Features.Send.Forwarding;
using ChatMonolith.Modules.Messaging.Grpc;
using ChatMonolith.Modules.Messaging.Delivery;
using ChatMonolith.Modules.Messaging.Delivery.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Messaging;

/// <summary>Conversations, the ordered log of each, and the streams that deliver it to devices.</summary>
public sealed class MessagingModule : IModule
{
    private const string DeliveryQueue = "messaging-delivery";

    public string Name => MessagingDbContext.Schema;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MessagingOptions>().Bind(configuration.GetSection(MessagingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddModuleDbContext<MessagingDbContext>(configuration, MessagingDbContext.Schema);
        services.AddSingleton<RedisRoutes>();
        services.AddSingleton<LiveStreams>();
        services.AddSingleton(sp => new DeliveryRouter(
            sp.GetRequiredService<RedisRoutes>(), sp.GetRequiredService<LiveStreams>(), sp.GetRequiredService<ILogger<DeliveryRouter>>()));
        services.AddHostedService<RoutingProbe>();
        services.AddHostedService<StreamDrain>();
        services.AddSingleton<MessagingDatabase>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<DeliveryLog>();
        services.AddScoped<DeviceStreams>();
        services.AddSingleton(sp => new GroupLimits(sp.GetRequiredService<IOptions<MessagingOptions>>(), sp.GetRequiredService<RateLimiter>()));
        services.AddSingleton<SendGroupCommit>();
        services.AddHostedService(sp => sp.GetRequiredService<SendGroupCommit>());
        services.AddSingleton<ConversationOwners>();
        services.AddSingleton<SendLimit>();
        services.AddSingleton<SendRouting>();
        services.AddHostedService<ForwardedSends>();
        services.AddScoped<StreamRequests>();
        services.ConfigureWolverine(wolverine =>
        {
            // Deliveries keep their commit order (a stream that gets an entry out of order reads the gap from the
            // database) and are not persisted: the log is the truth, and streams live in this process's memory.
            wolverine.PublishMessage<DeliverEntries>().ToLocalQueue(DeliveryQueue);
            wolverine.LocalQueue(DeliveryQueue).Sequential().BufferedInMemory();
            wolverine.Policies.Add<RetryConcurrentTwins>();
        });
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ConversationGrpcService>();
        endpoints.MapGrpcService<ChatStreamGrpcService>();
    }
}
