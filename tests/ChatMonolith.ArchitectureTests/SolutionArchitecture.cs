using System.Reflection;
using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ChatMonolith.BuildingBlocks.Modules;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using Assembly = System.Reflection.Assembly;

namespace ChatMonolith.ArchitectureTests;

/// <summary>The real solution: the host, BuildingBlocks, and every module the host lists, with its Contracts.</summary>
internal static class SolutionArchitecture
{
    // JasperFx's source generator adds a registry type of this namespace to every assembly that references it.
    private const string GeneratedNamespace = "JasperFx.Generated";

    // Wire types generated from proto/ into each assembly that speaks them (internal copies, docs/adr/0011). The same
    // .proto yields the same type names in two modules; sharing a wire format is not a code dependency.
    private const string ProtoNamespaces = @"^ChatMonolith\.Protos\..*";

    private static readonly Assembly HostAssembly = typeof(Program).Assembly;
    private static readonly Assembly BuildingBlocksAssembly = typeof(IModule).Assembly;

    private static readonly IReadOnlyList<(string Name, Assembly Implementation, Assembly Contracts)> ModuleAssemblies =
        Program.Modules()
            .Select(module => module.GetType().Assembly)
            .Select(assembly => (assembly.GetName().Name!, assembly, Assembly.Load(assembly.GetName().Name + ".Contracts")))
            .ToList();

    public static Architecture Architecture { get; } = new ArchLoader()
        .LoadAssemblies([HostAssembly, BuildingBlocksAssembly, .. ModuleAssemblies.SelectMany(m => new[] { m.Implementation, m.Contracts })])
        .Build();

    public static IReadOnlyList<ModuleDefinition> Modules { get; } = ModuleAssemblies
        .Select(m => new ModuleDefinition(
            m.Name,
            Types().That().ResideInAssembly(m.Implementation).And().DoNotResideInNamespace(GeneratedNamespace)
                .And().DoNotResideInNamespaceMatching(ProtoNamespaces),
            Types().That().ResideInAssembly(m.Contracts).And().DoNotResideInNamespace(GeneratedNamespace),
            m.Implementation.GetTypes().Where(t => t.Namespace != GeneratedNamespace).ToList()))
        .ToList();

    public static IObjectProvider<IType> Host { get; } = Types().That().ResideInAssembly(HostAssembly);
}
