using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.Modules.Notifications.Data;
using ChatMonolith.Modules.Notifications.Features.Mutes;
using ChatMonolith.Modules.Notifications.Features.Pushes;
using ChatMonolith.Modules.Notifications.Features.Targets;
using ChatMonolith.Modules.Notifications.Grpc;
using ChatMonolith.Modules.Notifications.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Notifications;

/// <summary>
/// Push notifications: each device's push target (FCM, APNs or Web Push), each user's muted conversations, and the pushes
/// to devices that no live stream reached, coalesced per conversation and cleared when read.
/// </summary>
public sealed class NotificationsModule : IModuleWithWork
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

        services.AddSingleton(sp => new PushSettings(sp.GetRequiredService<IOptions<NotificationsOptions>>().Value));
        services.AddSingleton(sp => new NotificationsMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<PushSignal>();
        var options = configuration.GetSection(NotificationsOptions.Section).Get<NotificationsOptions>() ?? new NotificationsOptions();
        if (options.Fcm.IsConfigured)
        {
            services.AddSingleton<IPushProvider, FcmProvider>();
        }

        if (options.Apns.IsConfigured)
        {
            services.AddSingleton<IPushProvider, ApnsProvider>();
        }

        if (options.WebPush.IsConfigured)
        {
            services.AddSingleton<IPushProvider, WebPushProvider>();
        }
    }

    /// <summary>The push dispatcher, and the start-up line that says which providers are off.</summary>
    public void AddWork(IServiceCollection services, IConfiguration configuration)
    {
        services.AddHostedService<ProviderReport>();
        services.AddHostedService<PushDispatcher>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<NotificationsGrpcService>();
}
