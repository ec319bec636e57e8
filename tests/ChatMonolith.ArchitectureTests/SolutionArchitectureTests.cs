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

    /// <summary>
    /// Notifications' work runs in a process of its own by configuration alone (Host:Runs): that holds only while it
    /// builds on nothing of another module but its Contracts, and hears of them by their events.
    /// </summary>
    [Fact]
    public void Notifications_references_no_other_modules_implementation_so_it_can_run_in_its_own_process()
    {
        var notifications = typeof(ChatMonolith.Modules.Notifications.NotificationsModule).Assembly;
        var others = notifications.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("ChatMonolith.Modules.", StringComparison.Ordinal) && !n.StartsWith("ChatMonolith.Modules.Notifications", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(others);
        Assert.All(others, n => Assert.EndsWith(".Contracts", n, StringComparison.Ordinal));
    }

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

    [Fact]
    public void No_record_holds_a_password_token_or_key_as_a_plain_string() =>
        AssertKept(SecretRules.RecordsHoldNoPlainSecrets(SolutionArchitecture.AllTypes));

    [Fact]
    public void The_secret_rule_catches_a_plain_password_in_a_record_and_not_a_masked_one()
    {
        var violations = SecretRules.RecordsHoldNoPlainSecrets([typeof(PlainLogin), typeof(MaskedLogin), typeof(NotARecord)]);
        Assert.Equal(["ChatMonolith.ArchitectureTests.SolutionArchitectureTests+PlainLogin.Password is a plain string in a record, whose ToString would print it: make it a Secret"], violations);
    }

    private sealed record PlainLogin(string Username, string Password);

    private sealed record MaskedLogin(string Username, ChatMonolith.BuildingBlocks.Security.Secret Password);

    private sealed class NotARecord
    {
        public string Password { get; set; } = "";
    }

    private static void AssertKept(IReadOnlyList<string> violations) =>
        Assert.True(violations.Count == 0, string.Join("\n\n", violations));
}
