using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using Microsoft.EntityFrameworkCore;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace ChatMonolith.ArchitectureTests;

/// <summary>
/// The module rules of the house style, written once and checked against the real solution and, to prove each
/// can fail, against deliberately broken fixtures.
/// </summary>
public static class ModuleRules
{
    public static IEnumerable<IArchRule> NoModuleDependsOnAnotherModulesImplementation(IReadOnlyList<ModuleDefinition> modules) =>
        modules.Select(module => Types().That().Are(module.Implementation)
            .Should().NotDependOnAny(Union(modules.Where(other => other != module).Select(other => other.Implementation)))
            .Because($"{module.Name} may see other modules only through their Contracts"));

    public static IEnumerable<IArchRule> ContractsDependOnlyOnBuildingBlocks(IReadOnlyList<ModuleDefinition> modules, IObjectProvider<IType>? host) =>
        modules.Select(module =>
        {
            var forbidden = modules.Select(m => m.Implementation)
                .Concat(modules.Where(m => m != module).Select(m => m.Contracts))
                .Concat(host is null ? [] : [host]);
            return Types().That().Are(module.Contracts)
                .Should().NotDependOnAny(Union(forbidden))
                .Because($"{module.Name}.Contracts is what other modules compile against: BuildingBlocks only")
                .WithoutRequiringPositiveResults();
        });

    /// <summary>
    /// A module compiles only its own protos (namespace <c>…Protos.&lt;its area&gt;.V1</c>): another module's wire types
    /// it needs come compiled with that module's Contracts, so the owner alone decides them.
    /// </summary>
    public static IReadOnlyList<string> NoModuleCompilesAnotherModulesProtos(IReadOnlyList<ModuleDefinition> modules) =>
        [.. modules.SelectMany(module => module.CompiledProtoTypes
            .Where(type => ProtoArea(type) != module.Area)
            .Select(type => ProtoArea(type))
            .Distinct()
            .Select(area => $"{module.Name} compiles the protos of {area} (types of {area}'s wire format in its own assembly); reference {area}'s Contracts instead"))];

    /// <summary>
    /// Contracts hold only contracts: records, enums and wire types. No handler, DbContext, hosted service or gRPC service,
    /// and nothing that reaches a database, the bus or the web stack.
    /// </summary>
    public static IEnumerable<IArchRule> ContractsHoldOnlyContracts(IReadOnlyList<ModuleDefinition> modules) =>
        modules.Select(module => Types().That().Are(module.Contracts)
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(ImplementationNamespaces))
            .AndShould().NotHaveNameEndingWith("Handler")
            .AndShould().NotHaveNameEndingWith("Service")
            .Because($"{module.Name}.Contracts is what other modules compile against: its words, not its behaviour")
            .WithoutRequiringPositiveResults());

    private const string ImplementationNamespaces =
        @"^(Microsoft\.EntityFrameworkCore|Npgsql|StackExchange\.Redis|Wolverine|Microsoft\.AspNetCore|Microsoft\.Extensions\.Hosting|Grpc\.Core)(\..*)?$";

    private static string ProtoArea(Type type)
    {
        var afterProtos = type.Namespace![(type.Namespace!.IndexOf(".Protos.", StringComparison.Ordinal) + ".Protos.".Length)..];
        return afterProtos.Split('.')[0];
    }

    public static IEnumerable<IArchRule> ModuleTypesAreNonPublicByDefault(IReadOnlyList<ModuleDefinition> modules) =>
        modules.Select(module => Types().That().Are(module.Implementation)
            .And().AreNot(PublicSurface.ExemptFromVisibilityRule(module.ImplementationTypes))
            .Should().NotBePublic()
            .Because("only handlers, their messages and dependencies, gRPC services and the registration class are public")
            .WithoutRequiringPositiveResults());

    public static IEnumerable<IArchRule> GrpcServicesDoNotTouchDbContexts(IReadOnlyList<ModuleDefinition> modules) =>
        modules
            .Select(module => module.ImplementationTypes.Where(PublicSurface.IsGrpcService).ToList())
            .Where(services => services.Count > 0)
            .Select(services => Classes().That().Are(services)
                .Should().NotDependOnAny(Types().That().AreAssignableTo(typeof(DbContext)))
                .Because("gRPC services are transport shims: data access belongs to the slice"));

    /// <summary>
    /// The graph of what a module builds on has no cycle: an edge wherever one module's implementation uses another's
    /// implementation, or its Contracts use another's Contracts or implementation. A module's implementation using
    /// another's Contracts is how modules talk (events one way, stream words the other: docs/adr/0016), not an edge.
    /// </summary>
    public static IReadOnlyList<string> CyclesBetweenModules(IReadOnlyList<ModuleDefinition> modules, Architecture architecture)
    {
        var edges = modules.ToDictionary(m => m.Name, m => modules
            .Where(other => other != m)
            .Where(other => !Types().That().Are(m.Implementation)
                    .Should().NotDependOnAny(Types().That().Are(other.Implementation))
                    .HasNoViolations(architecture)
                || !Types().That().Are(m.Contracts)
                    .Should().NotDependOnAny(Types().That().Are(other.Implementation).Or().Are(other.Contracts))
                    .WithoutRequiringPositiveResults()
                    .HasNoViolations(architecture))
            .Select(other => other.Name)
            .ToList());

        var cycles = new List<string>();
        foreach (var start in edges.Keys)
        {
            FindCycles(start, [start], edges, cycles);
        }

        return cycles;
    }

    private static void FindCycles(string start, List<string> path, Dictionary<string, List<string>> edges, List<string> cycles)
    {
        foreach (var next in edges[path[^1]])
        {
            if (next == start)
            {
                cycles.Add("Cycle between modules: " + string.Join(" -> ", path.Append(start)));
            }
            else if (!path.Contains(next) && string.CompareOrdinal(next, start) > 0)
            {
                FindCycles(start, [.. path, next], edges, cycles);
            }
        }
    }

    /// <summary>The descriptions of every failed check of <paramref name="rules"/>; empty when the architecture keeps them.</summary>
    public static IReadOnlyList<string> Violations(this IEnumerable<IArchRule> rules, Architecture architecture) =>
        rules.SelectMany(rule => rule.Evaluate(architecture))
            .Where(result => !result.Passed)
            .Select(result => result.Description)
            .ToList();

    private static GivenTypesConjunction Union(IEnumerable<IObjectProvider<IType>> providers)
    {
        var list = providers.ToList();
        if (list.Count == 0)
        {
            return Types().That().Are(Array.Empty<Type>());
        }

        var union = Types().That().Are(list[0]);
        foreach (var provider in list.Skip(1))
        {
            union = union.Or().Are(provider);
        }

        return union;
    }
}
