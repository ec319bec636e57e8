using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Presence.Data;

/// <summary>
/// The Presence module's tables, in the <c>presence</c> schema: user presence distributed by <c>user_id</c>, the
/// members read model by <c>conversation_id</c>. Public only for
/// Wolverine's generated handler code (docs/adr/0003).
/// </summary>
public sealed class PresenceDbContext(DbContextOptions<PresenceDbContext> options) : DbContext(options)
{
    internal const string Schema = "presence";

    internal DbSet<UserPresence> Users => Set<UserPresence>();

    internal DbSet<KnownMember> Members => Set<KnownMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);
        modelBuilder.Entity<UserPresence>(user =>
        {
            user.ToTable("user_presence");
            user.HasKey(u => u.UserId);
            user.Property(u => u.Visibility).HasConversion<short>();
        });
        modelBuilder.Entity<KnownMember>(member =>
        {
            member.ToTable("members");
            member.HasKey(m => new { m.ConversationId, m.UserId });
            member.HasIndex(m => m.UserId);
        });
    }
}
