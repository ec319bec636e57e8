using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build a module's model without starting the host, with the same options the
/// host uses. A module derives one small class from it.
/// </summary>
public abstract class ModuleDesignTimeFactory<TContext>(string schema) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    /// <inheritdoc />
    public TContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<TContext>();
        ModuleDbContextRegistration.Configure(options, "Host=localhost", schema);
        return Create(options.Options);
    }

    /// <summary>Creates the context from its options.</summary>
    protected abstract TContext Create(DbContextOptions<TContext> options);
}
