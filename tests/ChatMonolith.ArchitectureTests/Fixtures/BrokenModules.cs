// Deliberately broken modules: each rule must catch its violation here, never in production code.
// The folder's namespaces mimic ChatMonolith.Modules.<Name>[.Contracts].
#pragma warning disable CA1812, IDE0051, IDE0052, CS0169
using Grpc.Core;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Billing
{
    internal sealed class InvoiceCalculator
    {
        // Billing reaching into Shipping's implementation closes a cycle with ShippingScheduler below.
        private readonly Shipping.ShippingScheduler? _scheduler;
    }

    /// <summary>Public without being a handler, a message or a service.</summary>
    public sealed class LeakyInvoiceRepository
    {
    }

    internal sealed class BillingDbContext(DbContextOptions<BillingDbContext> options) : DbContext(options)
    {
    }

    [BindServiceMethod(typeof(FakeBillingServiceBase), nameof(BindService))]
    internal abstract class FakeBillingServiceBase
    {
        public static void BindService()
        {
        }
    }

    /// <summary>A gRPC service that talks to the database itself instead of going through a slice.</summary>
    internal sealed class BillingGrpcService(BillingDbContext db) : FakeBillingServiceBase
    {
        public int CountInvoices() => db.ChangeTracker.Entries().Count();
    }
}

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Billing.Contracts
{
    /// <summary>A contract that leaks an implementation type.</summary>
    internal sealed record InvoicePaid(Guid InvoiceId, Billing.InvoiceCalculator Calculator);
}

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Shipping
{
    /// <summary>Shipping depending on Billing's implementation rather than on Billing.Contracts.</summary>
    internal sealed class ShippingScheduler
    {
        private readonly Billing.InvoiceCalculator _calculator = new();
    }
}

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Shipping.Contracts
{
    public sealed record ParcelShipped(Guid ParcelId);
}
