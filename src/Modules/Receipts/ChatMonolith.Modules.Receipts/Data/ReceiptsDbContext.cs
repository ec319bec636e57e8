using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Receipts.Data;

/// <summary>
/// The Receipts module's tables, in the <c>receipts</c> schema: watermarks and the members read model distributed by <c>conversation_id</c>
/// (co-located with Messaging's conversation data), settings by <c>user_id</c>. Public only for Wolverine's
/// generated handler code (docs/adr/0003).
/// </summary>
public sealed class ReceiptsDbContext(DbContextOptions<ReceiptsDbContext> options) : DbContext(options)
{
    internal const string Schema = "receipts";

    internal DbSet<Watermark> Watermarks => Set<Watermark>();

    internal DbSet<ReceiptSettings> Settings => Set<ReceiptSettings>();

    internal DbSet<KnownMember> Members => Set<KnownMember>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<Watermark>(watermark =>
        {
            watermark.ToTable("watermarks");
            watermark.HasKey(w => new { w.ConversationId, w.UserId });
        });

        modelBuilder.Entity<KnownMember>(member =>
        {
            member.ToTable("members");
            member.HasKey(m => new { m.ConversationId, m.UserId });
        });

        modelBuilder.Entity<ReceiptSettings>(settings =>
        {
            settings.ToTable("settings");
            settings.HasKey(s => s.UserId);
        });
    }
}
