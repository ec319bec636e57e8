using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Messaging.Data.Migrations
{
    /// <inheritdoc />
    public partial class PushReachableDevices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "push_reachable_devices",
                schema: "messaging",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    device_id = table.Column<Guid>(type: "uuid", nullable: false),
                    has_target = table.Column<bool>(type: "boolean", nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_push_reachable_devices", x => new { x.user_id, x.device_id });
                });

            // Read after every send batch for all its recipients at once: on one node, not over the shards.
            migrationBuilder.CreateReferenceTableWhenCitus("messaging.push_reachable_devices");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "push_reachable_devices",
                schema: "messaging");
        }
    }
}
