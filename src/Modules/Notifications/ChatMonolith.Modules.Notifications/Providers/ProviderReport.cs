using ChatMonolith.Modules.Notifications.Data;
using ChatMonolith.Modules.Notifications.Features.Targets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>Says at start-up which push providers this deployment has and which are off (a target for one that is off is refused).</summary>
internal sealed class ProviderReport(PushTargetRules rules, ILogger<ProviderReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var providers = Enum.GetValues<PushProvider>().ToLookup(rules.IsConfigured, PushTargetRules.Name);
        logger.LogInformation("Push providers on: {On}; off: {Off}",
            providers[true].Any() ? string.Join(", ", providers[true]) : "none",
            providers[false].Any() ? string.Join(", ", providers[false]) : "none");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
