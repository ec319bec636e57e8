using ChatMonolith.BuildingBlocks.Persistence;
﻿using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Notifications.Data.Migrations
{
    /// <inheritdoc />
    public partial class PushWindows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "push_windows",
                schema: "notifications",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<short>(type: "smallint", nullable: false),
                    state = table.Column<short>(type: "smallint", nullable: false),
                    last_seq = table.Column<long>(type: "bigint", nullable: false),
                    sender_id = table.Column<Guid>(type: "uuid", nullable: false),
                    preview = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    unread = table.Column<long>(type: "bigint", nullable: false),
                    badge = table.Column<long>(type: "bigint", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    claim_id = table.Column<Guid>(type: "uuid", nullable: true),
                    claimed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    shown = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_push_windows", x => new { x.user_id, x.device_id, x.conversation_id });
                });

            migrationBuilder.CreateTable(
                name: "senders",
                schema: "notifications",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_senders", x => x.user_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_push_windows_state_due_at",
                schema: "notifications",
                table: "push_windows",
                columns: new[] { "state", "due_at" });

            migrationBuilder.DistributeTableWhenCitus("notifications.push_windows", "user_id", colocateWith: "notifications.push_targets");
            migrationBuilder.DistributeTableWhenCitus("notifications.senders", "user_id", colocateWith: "notifications.push_targets");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "push_windows",
                schema: "notifications");

            migrationBuilder.DropTable(
                name: "senders",
                schema: "notifications");
        }
    }
}
