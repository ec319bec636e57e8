using ChatMonolith.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.Modules.Receipts;

/// <summary>The Receipts module. Its features arrive with their own issues; until then it registers nothing.</summary>
public sealed class ReceiptsModule : IModule
{
    public string Name => "receipts";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
