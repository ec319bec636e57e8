using ChatMonolith.BuildingBlocks.Errors;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Messaging.Data;

/// <summary>
/// The Messaging module's tables, in the <c>messaging</c> schema. Conversation data is distributed by
/// <c>conversation_id</c> and co-located; the per-user list by <c>user_id</c>. Public only for Wolverine's generated
/// handler code (docs/adr/0003).
/// </summary>
public sealed class MessagingDbContext(DbContextOptions<MessagingDbContext> options) : DbContext(options)
{
    internal const string Schema = "messaging";

    internal DbSet<Conversation> Conversations => Set<Conversation>();

    internal DbSet<Member> Members => Set<Member>();

    internal DbSet<Message> Messages => Set<Message>();

    internal DbSet<UserConversation> UserConversations => Set<UserConversation>();

    internal DbSet<PushReachableDevice> PushReachableDevices => Set<PushReachableDevice>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<Conversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.HasKey(c => c.ConversationId);
            conversation.Property(c => c.Kind).HasConversion<short>();
            conversation.Property(c => c.Title).HasMaxLength(Conversation.MaxTitleLength * Validator.NameBytesPerTextElement);
        });

        modelBuilder.Entity<Member>(member =>
        {
            member.ToTable("members");
            member.HasKey(m => new { m.ConversationId, m.UserId });
            member.Property(m => m.Role).HasConversion<short>();
            member.Property(m => m.TitleWhenRemoved).HasMaxLength(Conversation.MaxTitleLength * Validator.NameBytesPerTextElement);
            member.Ignore(m => m.IsActive);
        });

        modelBuilder.Entity<Message>(message =>
        {
            message.ToTable("messages");
            message.HasKey(m => new { m.ConversationId, m.Seq });
            message.Property(m => m.SystemKind).HasConversion<short?>();
            // Idempotent sends: one message per (conversation, sender, client_msg_id).
            message.HasIndex(m => new { m.ConversationId, m.SenderId, m.ClientMsgId }).IsUnique();
        });

        modelBuilder.Entity<UserConversation>(list =>
        {
            list.ToTable("user_conversations");
            list.HasKey(u => new { u.UserId, u.ConversationId });
        });

        modelBuilder.Entity<PushReachableDevice>(device =>
        {
            device.ToTable("push_reachable_devices");
            device.HasKey(d => new { d.UserId, d.DeviceId });
        });
    }
}
