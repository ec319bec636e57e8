using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.Modules.Presence.Data;
using ChatMonolith.Modules.Presence.Features;
using ChatMonolith.Modules.Presence.Features.Connection;
using ChatMonolith.Modules.Presence.Features.Expiry;
using ChatMonolith.Modules.Presence.Features.Typing;
using ChatMonolith.Modules.Presence.Features.Watch;
using ChatMonolith.Modules.Presence.Grpc;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Presence;

/// <summary>Online, last seen and typing: state in Redis, changes to the watching devices through the stream's seam.</summary>
public sealed class PresenceModule : IModule
{
    public string Name => PresenceDbContext.Schema;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PresenceOptions>()
            .Bind(configuration.GetSection(PresenceOptions.Section))
            .Configure(o => o.KeyPrefix = configuration["Redis:KeyPrefix"] ?? o.KeyPrefix);
        services.AddModuleDbContext<PresenceDbContext>(configuration, PresenceDbContext.Schema);

        services.AddSingleton<DeviceRegistry>();
        services.AddSingleton<WatchLists>();
        services.AddSingleton<TypingState>();
        services.AddSingleton<PresenceMetrics>();
        services.AddScoped<PresenceView>();
        services.AddSingleton(sp => new PresenceTracker(
            sp.GetRequiredService<DeviceRegistry>(),
            sp.GetRequiredService<WatchLists>(),
            sp.GetRequiredService<IDatabase>(),
            Scopes(sp),
            Options(sp),
            sp.GetRequiredService<PresenceMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TypingSignals(sp.GetRequiredService<TypingState>(), Scopes(sp), Options(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PresenceWatch(sp.GetRequiredService<WatchLists>(), Scopes(sp), Options(sp)));
        services.AddHostedService<ExpiredKeyListener>();
        services.AddHostedService<PresenceSweeper>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<PresenceGrpcService>();

    private static IServiceScopeFactory Scopes(IServiceProvider services) => services.GetRequiredService<IServiceScopeFactory>();

    private static IOptions<PresenceOptions> Options(IServiceProvider services) => services.GetRequiredService<IOptions<PresenceOptions>>();
}
