namespace ChatMonolith.ArchitectureTests;

/// <summary>Each rule fails on the broken fixture modules, and for the right reason.</summary>
public sealed class BrokenFixtureTests
{
    [Fact]
    public void The_isolation_rule_catches_Shipping_using_Billings_implementation()
    {
        var violations = ModuleRules.NoModuleDependsOnAnotherModulesImplementation(FixtureArchitecture.Modules).Violations(FixtureArchitecture.Architecture);
        Assert.Contains(violations, v => v.Contains("ShippingScheduler", StringComparison.Ordinal) && v.Contains("InvoiceCalculator", StringComparison.Ordinal));
    }

    [Fact]
    public void The_contracts_rule_catches_a_contract_that_exposes_an_implementation_type()
    {
        var violations = ModuleRules.ContractsDependOnlyOnBuildingBlocks(FixtureArchitecture.Modules, host: null).Violations(FixtureArchitecture.Architecture);
        Assert.Contains(violations, v => v.Contains("InvoicePaid", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("ParcelShipped", StringComparison.Ordinal));
    }

    [Fact]
    public void The_visibility_rule_catches_a_public_helper_and_nothing_internal()
    {
        var violations = ModuleRules.ModuleTypesAreNonPublicByDefault(FixtureArchitecture.Modules).Violations(FixtureArchitecture.Architecture);
        Assert.Contains(violations, v => v.Contains("LeakyInvoiceRepository", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("InvoiceCalculator", StringComparison.Ordinal));
    }

    [Fact]
    public void The_grpc_rule_catches_a_service_that_uses_a_DbContext()
    {
        var violations = ModuleRules.GrpcServicesDoNotTouchDbContexts(FixtureArchitecture.Modules).Violations(FixtureArchitecture.Architecture);
        Assert.Contains(violations, v => v.Contains("BillingGrpcService", StringComparison.Ordinal));
    }

    [Fact]
    public void The_proto_rule_catches_Billing_compiling_Shippings_protos_and_not_its_own()
    {
        var violations = ModuleRules.NoModuleCompilesAnotherModulesProtos(FixtureArchitecture.Modules);
        Assert.Equal(["Billing compiles the protos of Shipping (types of Shipping's wire format in its own assembly); reference Shipping's Contracts instead"], violations);
    }

    [Fact]
    public void The_contracts_content_rule_catches_a_handler_with_a_DbContext_in_Contracts()
    {
        var violations = ModuleRules.ContractsHoldOnlyContracts(FixtureArchitecture.Modules).Violations(FixtureArchitecture.Architecture);
        Assert.Contains(violations, v => v.Contains("ParcelShippedHandler", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, v => v.Contains("ParcelShipped ", StringComparison.Ordinal) || v.Contains("Billing.Contracts", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cycle_rule_catches_Billing_and_Shipping_depending_on_each_other()
    {
        var violations = ModuleRules.CyclesBetweenModules(FixtureArchitecture.Modules, FixtureArchitecture.Architecture);
        Assert.Equal(["Cycle between modules: Billing -> Shipping -> Billing"], violations);
    }
}
