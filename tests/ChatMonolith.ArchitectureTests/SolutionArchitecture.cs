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

    private const string ProtoNamespacePrefix = "ChatMonolith.Protos.";

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
            Types().That().ResideInAssembly(m.Implementation).And().DoNotResideInNamespace(GeneratedNamespace),
            Types().That().ResideInAssembly(m.Contracts).And().DoNotResideInNamespace(GeneratedNamespace),
            m.Implementation.GetTypes().Where(t => t.Namespace != GeneratedNamespace).ToList(),
            m.Implementation.GetTypes().Concat(m.Contracts.GetTypes())
                .Where(t => t.Namespace?.StartsWith(ProtoNamespacePrefix, StringComparison.Ordinal) == true).ToList()))
        .ToList();

    /// <summary>Every type of the solution's own assemblies, generated code included.</summary>
    public static IReadOnlyList<System.Type> AllTypes { get; } =
        new[] { HostAssembly, BuildingBlocksAssembly }.Concat(ModuleAssemblies.SelectMany(m => new[] { m.Implementation, m.Contracts }))
            .SelectMany(a => a.GetTypes())
            .ToList();

    public static IObjectProvider<IType> Host { get; } = Types().That().ResideInAssembly(HostAssembly);
}
