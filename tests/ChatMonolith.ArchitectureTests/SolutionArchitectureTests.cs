namespace ChatMonolith.ArchitectureTests;

public sealed class SolutionArchitectureTests
{
    [Fact]
    public void The_host_composes_all_five_modules() =>
        Assert.Equal(
            ["ChatMonolith.Modules.Identity", "ChatMonolith.Modules.Messaging", "ChatMonolith.Modules.Notifications",
             "ChatMonolith.Modules.Presence", "ChatMonolith.Modules.Receipts"],
            SolutionArchitecture.Modules.Select(m => m.Name).Order());

    [Fact]
    public void No_module_depends_on_another_modules_implementation() =>
        AssertKept(ModuleRules.NoModuleDependsOnAnotherModulesImplementation(SolutionArchitecture.Modules).Violations(SolutionArchitecture.Architecture));

    [Fact]
    public void Contracts_depend_only_on_BuildingBlocks() =>
        AssertKept(ModuleRules.ContractsDependOnlyOnBuildingBlocks(SolutionArchitecture.Modules, SolutionArchitecture.Host).Violations(SolutionArchitecture.Architecture));

    [Fact]
    public void No_module_compiles_another_modules_protos() =>
        AssertKept(ModuleRules.NoModuleCompilesAnotherModulesProtos(SolutionArchitecture.Modules));

    [Fact]
    public void Contracts_hold_only_contracts() =>
        AssertKept(ModuleRules.ContractsHoldOnlyContracts(SolutionArchitecture.Modules).Violations(SolutionArchitecture.Architecture));

    [Fact]
    public void Module_types_are_non_public_unless_handlers_messages_services_or_registration() =>
        AssertKept(ModuleRules.ModuleTypesAreNonPublicByDefault(SolutionArchitecture.Modules).Violations(SolutionArchitecture.Architecture));

    [Fact]
    public void Grpc_services_do_not_touch_DbContexts() =>
        AssertKept(ModuleRules.GrpcServicesDoNotTouchDbContexts(SolutionArchitecture.Modules).Violations(SolutionArchitecture.Architecture));

    [Fact]
    public void There_are_no_cycles_between_modules() =>
        AssertKept(ModuleRules.CyclesBetweenModules(SolutionArchitecture.Modules, SolutionArchitecture.Architecture));

    [Fact]
    public void The_public_surface_of_Identity_is_its_handlers_messages_and_registration_only()
    {
        var identity = SolutionArchitecture.Modules.Single(m => m.Name == "ChatMonolith.Modules.Identity");
        var allowed = PublicSurface.AllowedPublicTypes(identity.ImplementationTypes).Select(t => t.Name).ToList();

        Assert.Contains("IdentityModule", allowed);
        Assert.Contains("RegisterUserHandler", allowed);
        Assert.Contains("RegisterUser", allowed);
        Assert.Contains("UserRegistration", allowed);
        Assert.Contains("IssuedTokens", allowed);
        Assert.DoesNotContain("AccessTokenAuthenticationHandler", allowed);
        Assert.DoesNotContain("IdentityOptions", allowed);
    }

    private static void AssertKept(IReadOnlyList<string> violations) =>
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
}
