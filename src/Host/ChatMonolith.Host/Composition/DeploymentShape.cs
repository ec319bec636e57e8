using ChatMonolith.BuildingBlocks.Modules;

namespace ChatMonolith.Host.Composition;

/// <summary>
/// Which modules' services, work and endpoints this process takes, by <see cref="ChatHostOptions.Runs"/>. Split, the
/// Notifications process takes Notifications' services and work and serves no module's endpoints (it has no
/// Identity to authenticate callers with); the host takes everything else, and still serves chat.notifications.v1,
/// whose commands write Notifications' own tables.
/// </summary>
internal sealed record DeploymentShape(
    HostRuns Runs,
    IReadOnlyList<IModule> Services,
    IReadOnlyList<IModuleWithWork> Work,
    IReadOnlyList<IModule> Endpoints,
    ProcessBoundary? Boundary)
{
    /// <summary>The module whose work may run in a process of its own (<see cref="IModule.Name"/>).</summary>
    public const string SeparableModule = "notifications";

    /// <summary>Wolverine's PostgreSQL queue that the Notifications process reads.</summary>
    public const string NotificationsQueue = "notifications";

    /// <summary>Wolverine's PostgreSQL queue that the host reads: what the Notifications process asks of other modules.</summary>
    public const string HostQueue = "host";

    public static DeploymentShape For(HostRuns runs, IReadOnlyList<IModule> modules)
    {
        var work = modules.OfType<IModuleWithWork>().ToList();
        if (runs == HostRuns.Everything)
        {
            return new(runs, modules, work, modules, null);
        }

        var separable = work.SingleOrDefault(m => m.Name == SeparableModule)
            ?? throw new InvalidOperationException($"Host:Runs={runs} needs the {SeparableModule} module, and this host has none.");
        var boundary = ProcessBoundary.Of(separable.GetType().Assembly);
        return runs == HostRuns.Notifications
            ? new(runs, [separable], [separable], [], boundary)
            : new(runs, modules, work.Where(m => m != separable).ToList(), modules, boundary);
    }
}
