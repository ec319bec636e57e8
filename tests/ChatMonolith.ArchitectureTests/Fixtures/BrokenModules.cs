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

    /// <summary>Behaviour in Contracts: a handler that reaches the database.</summary>
    internal sealed class ParcelShippedHandler(DbContext db)
    {
        public int Handle(ParcelShipped shipped) => db.ChangeTracker.Entries().Count() + shipped.ParcelId.GetHashCode();
    }
}

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Billing.Protos.Billing.V1
{
    /// <summary>Billing's own wire type, compiled into Billing: allowed.</summary>
    internal sealed class InvoiceUpdate
    {
    }
}

namespace ChatMonolith.ArchitectureTests.Fixtures.Modules.Billing.Protos.Shipping.V1
{
    /// <summary>Shipping's wire type compiled into Billing (as Messaging once compiled Receipts' and Presence's protos).</summary>
    internal sealed class ParcelUpdate
    {
    }
}
