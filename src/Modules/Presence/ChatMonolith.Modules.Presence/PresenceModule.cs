using ChatMonolith.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.Modules.Presence;

/// <summary>The Presence module. Its features arrive with their own issues; until then it registers nothing.</summary>
public sealed class PresenceModule : IModule
{
    public string Name => "presence";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
