using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.Modules.Receipts.Data;
using ChatMonolith.Modules.Receipts.Features.Recording;
using ChatMonolith.Modules.Receipts.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Receipts;

/// <summary>Delivered and read ticks: a watermark per member and conversation, coalesced, and told to the devices that show them.</summary>
public sealed class ReceiptsModule : IModule
{
    public string Name => ReceiptsDbContext.Schema;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReceiptsOptions>().Bind(configuration.GetSection(ReceiptsOptions.Section));
        services.AddModuleDbContext<ReceiptsDbContext>(configuration, ReceiptsDbContext.Schema);
        services.AddSingleton(sp => new ReceiptBatcher(
            sp.GetRequiredService<IServiceScopeFactory>(),
            sp.GetRequiredService<IOptions<ReceiptsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReceiptBatcher>>()));
        services.AddHostedService(sp => sp.GetRequiredService<ReceiptBatcher>());
        services.AddScoped<ReceiptFanOut>();
        services.AddSingleton<ReceiptsMetrics>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<ReceiptsGrpcService>();
}
