using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace ChatMonolith.ArchitectureTests;

/// <summary>The broken modules of the Fixtures folder, loaded as an architecture of their own.</summary>
internal static class FixtureArchitecture
{
    public const string ModulesNamespace = "ChatMonolith.ArchitectureTests.Fixtures.Modules";

    public static Architecture Architecture { get; } =
        new ArchLoader().LoadAssemblies(typeof(FixtureArchitecture).Assembly).Build();

    public static IReadOnlyList<ModuleDefinition> Modules { get; } = [Module("Billing"), Module("Shipping")];

    private static ModuleDefinition Module(string name)
    {
        var implementation = $"{ModulesNamespace}.{name}";
        var contracts = $"{implementation}.Contracts";
        return new ModuleDefinition(
            name,
            Types().That().ResideInNamespace(implementation),
            Types().That().ResideInNamespace(contracts),
            typeof(FixtureArchitecture).Assembly.GetTypes().Where(t => t.Namespace == implementation).ToList(),
            typeof(FixtureArchitecture).Assembly.GetTypes().Where(t => t.Namespace?.StartsWith(implementation + ".Protos.", StringComparison.Ordinal) == true).ToList());
    }
}
