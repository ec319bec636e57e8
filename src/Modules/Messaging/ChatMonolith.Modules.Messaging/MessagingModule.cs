using ChatMonolith.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.Modules.Messaging;

/// <summary>The Messaging module. Its features arrive with their own issues; until then it registers nothing.</summary>
public sealed class MessagingModule : IModule
{
    public string Name => "messaging";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
