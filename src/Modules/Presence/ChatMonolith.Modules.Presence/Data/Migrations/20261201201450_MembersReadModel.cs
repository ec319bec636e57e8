using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Presence.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembersReadModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "members",
                schema: "presence",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    joined_seq = table.Column<long>(type: "bigint", nullable: false),
                    removed_seq = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_members", x => new { x.conversation_id, x.user_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_members_user_id",
                schema: "presence",
                table: "members",
                column: "user_id");

            migrationBuilder.DistributeTableWhenCitus("presence.members", "conversation_id");

            // Once, for a database that had conversations before this read model: what Messaging's events would have
            // told so far. From now on the events keep it (docs/adr/0016).
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF to_regclass('messaging.members') IS NOT NULL THEN
                    INSERT INTO presence.members (conversation_id, user_id, joined_seq, removed_seq)
                    SELECT m.conversation_id, m.user_id, m.joined_seq, m.removed_seq
                    FROM messaging.members m
                    ON CONFLICT DO NOTHING;
                    END IF;
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "members",
                schema: "presence");
        }
    }
}
