using System.Text;
using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using ChatMonolith.BuildingBlocks.RateLimits;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Identity.Data;
using ChatMonolith.Modules.Identity.Features.Limits;
using ChatMonolith.Modules.Identity.Grpc;
using ChatMonolith.Modules.Identity.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace ChatMonolith.Modules.Identity;

/// <summary>Accounts, devices, sessions and the access tokens every other module relies on.</summary>
public sealed class IdentityModule : IModule
{
    public string Name => IdentityDbContext.Schema;

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdentityOptions>()
            .Bind(configuration.GetSection(IdentityOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => Encoding.UTF8.GetByteCount(o.SigningKey) >= IdentityOptions.MinSigningKeyBytes,
                $"Identity:SigningKey must be at least {IdentityOptions.MinSigningKeyBytes} bytes (scripts/run makes a random one).")
            .Validate(o => !IdentityOptions.PublishedSigningKeys.Contains(o.SigningKey),
                "Identity:SigningKey is a key published in the ChatMonolith repository: anyone could sign tokens with it. Set a random one.")
            .ValidateOnStart();
        services.AddModuleDbContext<IdentityDbContext>(configuration, IdentityDbContext.Schema);

        services.AddSingleton(sp => new AccessTokens(Options(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RefreshTokens(Options(sp), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new SessionIssuer(
            sp.GetRequiredService<AccessTokens>(), sp.GetRequiredService<RefreshTokens>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new Passwords(Options(sp)));
        services.AddSingleton(sp => new IdentityLimits(sp.GetRequiredService<RateLimiter>(), Options(sp)));
        services.AddSingleton(sp => new RevokedDevices(
            sp.GetRequiredService<IDatabase>(), sp.GetRequiredService<AccessTokens>(), sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<TimeProvider>()));

        services.AddAuthentication(CallerClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, AccessTokenAuthenticationHandler>(CallerClaims.Scheme, null);
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints) => endpoints.MapGrpcService<IdentityGrpcService>();

    private static IOptions<IdentityOptions> Options(IServiceProvider services) =>
        services.GetRequiredService<IOptions<IdentityOptions>>();
}
