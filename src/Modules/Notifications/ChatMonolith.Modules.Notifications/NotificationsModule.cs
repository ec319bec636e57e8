using ChatMonolith.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.Modules.Notifications;

/// <summary>The Notifications module. Its features arrive with their own issues; until then it registers nothing.</summary>
public sealed class NotificationsModule : IModule
{
    public string Name => "notifications";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
