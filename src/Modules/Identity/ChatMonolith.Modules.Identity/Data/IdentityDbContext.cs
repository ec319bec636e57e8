using ChatMonolith.BuildingBlocks.Errors;
using Microsoft.EntityFrameworkCore;

namespace ChatMonolith.Modules.Identity.Data;

/// <summary>
/// The Identity module's tables, in the <c>identity</c> schema. Public only because Wolverine's generated
/// handler code names it (docs/adr/0003); other modules never reference this assembly.
/// </summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options)
{
    internal const string Schema = "identity";

    internal DbSet<User> Users => Set<User>();

    internal DbSet<UsernameClaim> Usernames => Set<UsernameClaim>();

    internal DbSet<Device> Devices => Set<Device>();

    internal DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.HasDefaultSchema(Schema);

        modelBuilder.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.UserId);
            user.Property(u => u.Username).HasMaxLength(32);
            user.Property(u => u.DisplayName).HasMaxLength(User.MaxDisplayNameLength * Validator.NameBytesPerTextElement);
        });

        modelBuilder.Entity<UsernameClaim>(claim =>
        {
            claim.ToTable("usernames");
            claim.HasKey(c => c.Username);
            // Byte-order collation lets the primary key's b-tree answer prefix searches as a range scan.
            claim.Property(c => c.Username).HasMaxLength(32).UseCollation("C");
        });

        modelBuilder.Entity<Device>(device =>
        {
            device.ToTable("devices");
            device.HasKey(d => new { d.UserId, d.DeviceId });
            device.Property(d => d.Name).HasMaxLength(Device.MaxNameLength * Validator.NameBytesPerTextElement);
            device.Property(d => d.Platform).HasConversion<short>();
        });

        modelBuilder.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => new { t.UserId, t.TokenHash });
            token.HasIndex(t => new { t.UserId, t.DeviceId });
        });
    }
}
