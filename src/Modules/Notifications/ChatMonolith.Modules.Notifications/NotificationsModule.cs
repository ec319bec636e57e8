using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.Modules.Notifications.Data;
using ChatMonolith.Modules.Notifications.Features.Mutes;
using ChatMonolith.Modules.Notifications.Features.Targets;
using ChatMonolith.Modules.Notifications.Grpc;
using ChatMonolith.Modules.Notifications.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Notifications;

/// <summary>Push notifications: each device's push target (FCM, APNs or Web Push) and each user's muted conversations.</summary>
public sealed class NotificationsModule : IModule
{
    public string Name => NotificationsDbContext.Schema;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>()
            .Bind(configuration.GetSection(NotificationsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddModuleDbContext<NotificationsDbContext>(configuration, NotificationsDbContext.Schema);
        services.AddSingleton(sp => new PushTargetRules(sp.GetRequiredService<IOptions<NotificationsOptions>>()));
        services.AddSingleton(sp => new MuteRules(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.MaxMuteDuration));
        services.AddHostedService<ProviderReport>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<NotificationsGrpcService>();
}
