using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Messaging.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialMessaging : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "messaging");

            migrationBuilder.CreateTable(
                name: "conversations",
                schema: "messaging",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    title = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    last_activity_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.conversation_id);
                });

            migrationBuilder.CreateTable(
                name: "members",
                schema: "messaging",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<short>(type: "smallint", nullable: false),
                    joined_seq = table.Column<long>(type: "bigint", nullable: false),
                    removed_seq = table.Column<long>(type: "bigint", nullable: true),
                    read_seq = table.Column<long>(type: "bigint", nullable: false),
                    delivered_seq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_members", x => new { x.conversation_id, x.user_id });
                });

            migrationBuilder.CreateTable(
                name: "messages",
                schema: "messaging",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    seq = table.Column<long>(type: "bigint", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sender_id = table.Column<Guid>(type: "uuid", nullable: true),
                    client_msg_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    text = table.Column<string>(type: "text", nullable: true),
                    system_kind = table.Column<short>(type: "smallint", nullable: true),
                    system_user_ids = table.Column<Guid[]>(type: "uuid[]", nullable: true),
                    system_title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_messages", x => new { x.conversation_id, x.seq });
                });

            migrationBuilder.CreateTable(
                name: "user_conversations",
                schema: "messaging",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    added_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_conversations", x => new { x.user_id, x.conversation_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_messages_conversation_id_sender_id_client_msg_id",
                schema: "messaging",
                table: "messages",
                columns: new[] { "conversation_id", "sender_id", "client_msg_id" },
                unique: true);

            // Conversation data is distributed by conversation_id and co-located; the per-user list by user_id.
            migrationBuilder.DistributeTableWhenCitus("messaging.conversations", "conversation_id");
            migrationBuilder.DistributeTableWhenCitus("messaging.members", "conversation_id", colocateWith: "messaging.conversations");
            migrationBuilder.DistributeTableWhenCitus("messaging.messages", "conversation_id", colocateWith: "messaging.conversations");
            migrationBuilder.DistributeTableWhenCitus("messaging.user_conversations", "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "conversations",
                schema: "messaging");

            migrationBuilder.DropTable(
                name: "members",
                schema: "messaging");

            migrationBuilder.DropTable(
                name: "messages",
                schema: "messaging");

            migrationBuilder.DropTable(
                name: "user_conversations",
                schema: "messaging");
        }
    }
}
