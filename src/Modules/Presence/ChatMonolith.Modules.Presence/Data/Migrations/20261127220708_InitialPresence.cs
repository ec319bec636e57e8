using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Presence.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialPresence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "presence");

            migrationBuilder.CreateTable(
                name: "user_presence",
                schema: "presence",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    visibility = table.Column<short>(type: "smallint", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_presence", x => x.user_id);
                });

            migrationBuilder.DistributeTableWhenCitus("presence.user_presence", "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "user_presence",
                schema: "presence");
        }
    }
}
