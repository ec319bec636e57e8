using ChatMonolith.BuildingBlocks.Modules;
using ChatMonolith.Host.Composition;
using ChatMonolith.Modules.Identity;
using ChatMonolith.Modules.Messaging;
using ChatMonolith.Modules.Notifications;
using ChatMonolith.Modules.Presence;
using ChatMonolith.Modules.Receipts;
using JasperFx;

var app = ChatHost.Build(args, Program.Modules());

// JasperFx verbs such as `codegen write`; any other arguments (--key=value) are configuration.
if (args.Length > 0 && !args[0].StartsWith('-'))
{
    return await app.RunJasperFxCommands(args);
}

await app.MigrateModulesAsync();
await app.RunAsync();
return 0;

/// <summary>The composition root: every module of the monolith, listed explicitly.</summary>
public partial class Program
{
    public static IReadOnlyList<IModule> Modules() =>
    [
        new IdentityModule(),
        new MessagingModule(),
        new PresenceModule(),
        new ReceiptsModule(),
        new NotificationsModule(),
    ];
}
