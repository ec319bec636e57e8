using System.Reflection;

namespace ChatMonolith.Host.Composition;

/// <summary>
/// What crosses between a module's work and the rest of the deployment when that work runs in a process of its own,
/// read from the module's handlers, so that a handler added later crosses too without a list to keep:
/// <list type="bullet">
/// <item><see cref="WorkHandlers"/>: the module's handlers of messages defined elsewhere (other modules' events);</item>
/// <item><see cref="Inbound"/>: those messages, sent to the module's process;</item>
/// <item><see cref="Outbound"/>: the messages of other modules' Contracts that the module's handlers answer with, and
/// the module's own Contracts' events, sent back.</item>
/// </list>
/// The handlers of the module's own commands (its gRPC API's) are not work: they run where the API is served.
/// </summary>
internal sealed record ProcessBoundary(IReadOnlyList<Type> WorkHandlers, IReadOnlyList<Type> Inbound, IReadOnlyList<Type> Outbound)
{
    public static ProcessBoundary Of(Assembly module)
    {
        var handlers = HandlersIn(module).ToList();
        var work = handlers.Where(h => h.Message.Assembly != module).ToList();
        var outbound = handlers
            .SelectMany(h => Produced(h.Method.ReturnType))
            .Where(t => t.Assembly != module && t.Assembly.GetName().Name?.EndsWith(".Contracts", StringComparison.Ordinal) == true)
            .Concat(OwnEvents(module))
            .Distinct()
            .ToList();
        return new(work.Select(h => h.Type).Distinct().ToList(), work.Select(h => h.Message).Distinct().ToList(), outbound);
    }

    /// <summary>
    /// The messages of the module's own Contracts (its events for other modules, such as Notifications'
    /// PushTargetChanged): whatever in its process publishes them, a handler or a worker, they go to the other side.
    /// </summary>
    private static IEnumerable<Type> OwnEvents(Assembly module)
    {
        var contracts = module.GetReferencedAssemblies().FirstOrDefault(a => a.Name == module.GetName().Name + ".Contracts");
        return contracts is null ? [] : Assembly.Load(contracts).GetExportedTypes().Where(t => t.IsClass && !t.IsAbstract);
    }

    /// <summary>The handler types in <paramref name="assembly"/>, with the message type each takes.</summary>
    public static IEnumerable<(Type Handler, Type Message)> Handlers(Assembly assembly) =>
        HandlersIn(assembly).Select(h => (h.Type, h.Message)).Distinct();

    // Wolverine's conventions as this solution uses them: classes named *Handler with Handle or HandleAsync methods.
    private static IEnumerable<(Type Type, MethodInfo Method, Type Message)> HandlersIn(Assembly assembly) => assembly.GetTypes()
        .Where(t => t.IsClass && t.Name.EndsWith("Handler", StringComparison.Ordinal))
        .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.Name is "Handle" or "HandleAsync" && m.GetParameters().Length > 0)
            .Select(m => (t, m, m.GetParameters()[0].ParameterType)));

    /// <summary>The message types a handler's return value can carry: unwrapped from tasks, nullables, tuples and sequences.</summary>
    private static IEnumerable<Type> Produced(Type returned)
    {
        if (returned == typeof(void) || returned == typeof(Task) || returned == typeof(ValueTask) || returned == typeof(string) || returned.IsPrimitive)
        {
            return [];
        }

        if (returned.IsGenericType)
        {
            var definition = returned.GetGenericTypeDefinition();
            if (definition == typeof(Task<>) || definition == typeof(ValueTask<>) || definition == typeof(Nullable<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || returned.FullName?.StartsWith("System.ValueTuple", StringComparison.Ordinal) == true)
            {
                return returned.GetGenericArguments().SelectMany(Produced);
            }
        }

        return [returned];
    }
}
