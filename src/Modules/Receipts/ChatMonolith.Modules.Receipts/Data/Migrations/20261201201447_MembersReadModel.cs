using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Receipts.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembersReadModel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "members",
                schema: "receipts",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    is_group = table.Column<bool>(type: "boolean", nullable: false),
                    joined_seq = table.Column<long>(type: "bigint", nullable: false),
                    removed_seq = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_members", x => new { x.conversation_id, x.user_id });
                });

            migrationBuilder.DistributeTableWhenCitus("receipts.members", "conversation_id", colocateWith: "receipts.watermarks");

            // Once, for a database that had conversations before this read model: what Messaging's events would have
            // told so far. From now on the events keep it (docs/adr/0016).
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF to_regclass('messaging.members') IS NOT NULL THEN
                    INSERT INTO receipts.members (conversation_id, user_id, is_group, joined_seq, removed_seq)
                    SELECT m.conversation_id, m.user_id, c.kind = 2, m.joined_seq, m.removed_seq
                    FROM messaging.members m
                    JOIN messaging.conversations c ON c.conversation_id = m.conversation_id
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
                schema: "receipts");
        }
    }
}
