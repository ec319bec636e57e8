using System.Reflection;
using ChatMonolith.BuildingBlocks.Modules;
using Grpc.Core;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatMonolith.ArchitectureTests;

/// <summary>
/// What a module may make public: its registration class, gRPC services, Wolverine handlers (named *Handler), and the
/// types their Handle methods take and return, with the types those messages expose (docs/adr/0003).
/// </summary>
public static class PublicSurface
{
    public static bool IsGrpcService(Type type) =>
        type.BaseType?.GetCustomAttribute<BindServiceMethodAttribute>() is not null;

    /// <summary>
    /// Types the visibility rule does not judge: the allowed public surface, types that are not visible outside the
    /// assembly anyway (public members nested in internal types, such as generated gRPC bases), and EF Core migrations,
    /// which <c>dotnet ef</c> generates public.
    /// </summary>
    public static IReadOnlyList<Type> ExemptFromVisibilityRule(IReadOnlyList<Type> moduleTypes) =>
        AllowedPublicTypes(moduleTypes)
            .Concat(moduleTypes.Where(t => (t.IsNestedPublic && !t.IsVisible) || typeof(Migration).IsAssignableFrom(t) || typeof(ModelSnapshot).IsAssignableFrom(t)))
            .ToList();

    public static IReadOnlyList<Type> AllowedPublicTypes(IEnumerable<Type> moduleTypes)
    {
        var types = moduleTypes.ToList();
        var allowed = new HashSet<Type>(types.Where(t =>
            typeof(IModule).IsAssignableFrom(t) || IsGrpcService(t) || IsHandler(t)));

        var pending = new Queue<Type>(types.Where(IsHandler)
            .SelectMany(h => h.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.Name is "Handle" or "HandleAsync" or "Consume" or "ConsumeAsync")
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)));
        while (pending.TryDequeue(out var type))
        {
            foreach (var part in Unwrap(type).Where(t => types.Contains(t) && allowed.Add(t)))
            {
                foreach (var exposed in part.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    pending.Enqueue(exposed.PropertyType);
                }
            }
        }

        return allowed.ToList();
    }

    private static bool IsHandler(Type type) => type.IsPublic && type.Name.EndsWith("Handler", StringComparison.Ordinal);

    // Task<(Response, Event)> → Response, Event; IReadOnlyList<View> → View.
    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap) : [type];
}
