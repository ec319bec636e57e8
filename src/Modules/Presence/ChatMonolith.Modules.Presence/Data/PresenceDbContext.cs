using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Presence.Data;

/// <summary>
/// The Presence module's table, in the <c>presence</c> schema, distributed by <c>user_id</c>. Public only for
/// Wolverine's generated handler code (docs/adr/0003).
/// </summary>
public sealed class PresenceDbContext(DbContextOptions<PresenceDbContext> options) : DbContext(options)
{
    internal const string Schema = "presence";

    internal DbSet<UserPresence> Users => Set<UserPresence>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<UserPresence>(user =>
        {
            user.ToTable("user_presence");
            user.HasKey(u => u.UserId);
            user.Property(u => u.Visibility).HasConversion<short>();
        });
    }
}
