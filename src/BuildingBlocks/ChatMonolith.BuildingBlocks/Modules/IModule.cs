using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.BuildingBlocks.Modules;

/// <summary>
/// A module of the monolith: it registers its own services and maps its own endpoints.
/// The host lists every module explicitly and finds their Wolverine handlers in <see cref="object.GetType"/>'s assembly.
/// </summary>
public interface IModule
{
    /// <summary>The module's name, lower case; also its PostgreSQL schema.</summary>
    string Name { get; }

    /// <summary>Registers the module's services.</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's gRPC services.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
