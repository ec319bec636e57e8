using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Notifications.Data;

/// <summary>
/// The Notifications module's tables, in the <c>notifications</c> schema, each distributed by <c>user_id</c>: what a
/// push for a user needs is that user's targets and mutes. Public only for Wolverine's generated handler code
/// (docs/adr/0003).
/// </summary>
public sealed class NotificationsDbContext(DbContextOptions<NotificationsDbContext> options) : DbContext(options)
{
    internal const string Schema = "notifications";

    internal DbSet<PushTarget> PushTargets => Set<PushTarget>();

    internal DbSet<Mute> Mutes => Set<Mute>();

    internal DbSet<PushWindow> PushWindows => Set<PushWindow>();

    internal DbSet<Sender> Senders => Set<Sender>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<PushTarget>(target =>
        {
            target.ToTable("push_targets");
            target.HasKey(t => new { t.UserId, t.DeviceId });
            target.Property(t => t.Provider).HasConversion<short>();
            target.Property(t => t.ApnsEnvironment).HasConversion<short?>();
            target.Property(t => t.Address).HasMaxLength(PushTarget.MaxAddressLength);
            target.Property(t => t.ApnsTopic).HasMaxLength(PushTarget.MaxTopicLength);
            target.Property(t => t.WebPushP256dh).HasMaxLength(128);
            target.Property(t => t.WebPushAuth).HasMaxLength(64);
        });

        modelBuilder.Entity<Mute>(mute =>
        {
            mute.ToTable("mutes");
            mute.HasKey(m => new { m.UserId, m.ConversationId });
        });

        modelBuilder.Entity<PushWindow>(window =>
        {
            window.ToTable("push_windows");
            window.HasKey(w => new { w.UserId, w.DeviceId, w.ConversationId });
            window.Property(w => w.Kind).HasConversion<short>();
            window.Property(w => w.State).HasConversion<short>();
            // The dispatcher's claim: pushes that are due, and claims left by a dispatcher that stopped.
            window.HasIndex(w => new { w.State, w.DueAt });
        });

        modelBuilder.Entity<Sender>(sender =>
        {
            sender.ToTable("senders");
            sender.HasKey(x => x.UserId);
            sender.Property(x => x.DisplayName).HasMaxLength(Sender.MaxDisplayNameLength);
        });
    }
}
