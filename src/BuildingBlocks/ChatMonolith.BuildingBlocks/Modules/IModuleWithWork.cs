using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChatMonolith.BuildingBlocks.Modules;

/// <summary>
/// A module whose work can run in a process of its own: the handlers of other modules' events in its assembly, and
/// the workers registered by <see cref="AddWork"/>. Its gRPC API and the handlers of its own commands stay wherever
/// <see cref="IModule.MapEndpoints"/> is called.
/// </summary>
public interface IModuleWithWork : IModule
{
    /// <summary>Registers the module's workers (hosted services); only the process that runs the module's work calls it.</summary>
    void AddWork(IServiceCollection services, IConfiguration configuration);
}
