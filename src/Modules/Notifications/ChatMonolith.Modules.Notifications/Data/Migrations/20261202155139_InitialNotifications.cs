using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Notifications.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "notifications");

            migrationBuilder.CreateTable(
                name: "mutes",
                schema: "notifications",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mutes", x => new { x.user_id, x.conversation_id });
                });

            migrationBuilder.CreateTable(
                name: "push_targets",
                schema: "notifications",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    provider = table.Column<short>(type: "smallint", nullable: false),
                    address = table.Column<string>(type: "character varying(4096)", maxLength: 4096, nullable: false),
                    apns_topic = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    apns_environment = table.Column<short>(type: "smallint", nullable: true),
                    web_push_p256dh = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    web_push_auth = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_push_targets", x => new { x.user_id, x.device_id });
                });

            migrationBuilder.DistributeTableWhenCitus("notifications.push_targets", "user_id");
            migrationBuilder.DistributeTableWhenCitus("notifications.mutes", "user_id", colocateWith: "notifications.push_targets");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mutes",
                schema: "notifications");

            migrationBuilder.DropTable(
                name: "push_targets",
                schema: "notifications");
        }
    }
}
