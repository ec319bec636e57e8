using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.BuildingBlocks.Persistence;
using JasperFx.CodeGeneration;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;

namespace ChatMonolith.Host.Composition;

internal static class WolverineRegistration
{
    /// <summary>Where Wolverine's PostgreSQL queues live in a split deployment.</summary>
    public const string QueueSchema = "wolverine_queues";

    public static void AddWolverine(this WebApplicationBuilder builder, DeploymentShape shape, TimeSpan queuePollingInterval)
    {
        var connectionString = builder.Configuration.PostgresConnectionString();
        var typeLoadMode = builder.Configuration.GetValue("Wolverine:CodeGeneration", TypeLoadMode.Auto);

        builder.UseWolverine(wolverine =>
        {
            wolverine.ServiceName = "chatmonolith";
            wolverine.ApplicationAssembly = typeof(ChatHost).Assembly;
            foreach (var module in shape.Services)
            {
                wolverine.Discovery.IncludeAssembly(module.GetType().Assembly);
            }

            if (shape.Boundary is { } boundary)
            {
                wolverine.UsePostgresqlPersistenceAndTransport(connectionString, ModuleDbContextRegistration.WolverineSchema, QueueSchema)
                    .AutoProvision();
                CrossTheBoundary(wolverine, shape, boundary, queuePollingInterval);
            }
            else
            {
                wolverine.PersistMessagesWithPostgresql(connectionString, ModuleDbContextRegistration.WolverineSchema);
            }

            // MigrateModulesAsync creates the storage, once per Wolverine version (WolverineStorageMigration).
            wolverine.AutoBuildMessageStorageOnStartup = JasperFx.AutoCreate.None;
            wolverine.UseEntityFrameworkCoreTransactions();
            wolverine.Policies.AutoApplyTransactions();
            wolverine.Policies.UseDurableLocalQueues();
            // An integration event that several modules handle (MemberAdded: Presence and Receipts) reaches each
            // module's handler on its own queue, with its own transaction and retries.
            wolverine.MultipleHandlerBehavior = MultipleHandlerBehavior.Separated;
            // A queued message whose handler meets the database away (an event for a read model) comes back later, as
            // often as it takes; without this, Wolverine moved it to the dead letters at once, and the read model
            // stayed short for good (CoordinatorCrashTests). A call (InvokeAsync) is not delayed by it: scheduled
            // retries do not run inline, so its caller hears of the failure at once.
            wolverine.OnException(DatabaseFailures.IsTransient, "the database is away")
                .ScheduleRetryIndefinitely(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));

            // A handler's failure is its caller's to report: a call from gRPC is answered and logged once by the
            // ErrorMappingInterceptor (a client's mistake at Debug, anything unexpected at Error), so Wolverine's own
            // line, which prints the whole command, stays at Debug. A queued message that gives up is still logged at
            // Error by Wolverine when it moves to the dead letters.
            wolverine.Policies.MessageFailureLogLevel(LogLevel.Debug);

            // Pre-generated handler code (Internal/Generated, written by `codegen write`) is loaded as is;
            // anything missing is compiled at run time in Auto mode (docs/adr/0002).
            wolverine.CodeGeneration.TypeLoadMode = typeLoadMode;
            if (typeLoadMode != TypeLoadMode.Static)
            {
                wolverine.UseRuntimeCompilation();
            }
        });
    }

    /// <summary>
    /// A split deployment (docs/adr/0023): each process publishes what the other handles to the other's PostgreSQL
    /// queue, through its outbox (in the transaction of the handler that produced it), and reads its own. Explicit
    /// routes replace Wolverine's local ones, so a message that a module of this process handles too is also
    /// published to that handler's local queue.
    /// </summary>
    private static void CrossTheBoundary(WolverineOptions wolverine, DeploymentShape shape, ProcessBoundary boundary, TimeSpan pollingInterval)
    {
        var (sent, to, listen) = shape.Runs == HostRuns.Notifications
            ? (boundary.Outbound, DeploymentShape.HostQueue, DeploymentShape.NotificationsQueue)
            : (boundary.Inbound, DeploymentShape.NotificationsQueue, DeploymentShape.HostQueue);
        var handlersHere = shape.Services
            .Where(m => shape.Runs == HostRuns.Notifications || m.Name != DeploymentShape.SeparableModule)
            .SelectMany(m => ProcessBoundary.Handlers(m.GetType().Assembly))
            .ToLookup(h => h.Message, h => h.Handler);
        foreach (var type in sent)
        {
            wolverine.Publish(rule =>
            {
                rule.Message(type);
                rule.ToPostgresqlQueue(to);
                // To the local queue of each handler here, named as MultipleHandlerBehavior.Separated names it: that
                // is the queue a handler of a message with several handlers takes its messages from.
                foreach (var handler in handlersHere[type])
                {
                    rule.ToLocalQueue(handler.FullName!.ToLowerInvariant());
                }
            });
        }

        wolverine.ListenToPostgresqlQueue(listen).PollingInterval(pollingInterval);
        if (shape.Runs == HostRuns.EverythingButNotifications)
        {
            wolverine.Discovery.CustomizeHandlerDiscovery(query => query.Excludes.WithCondition(
                "Notifications' work runs in its own process", boundary.WorkHandlers.Contains));
        }
    }
}
