using System;
using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Receipts.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialReceipts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "receipts");

            migrationBuilder.CreateTable(
                name: "settings",
                schema: "receipts",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    read_receipts = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings", x => x.user_id);
                });

            migrationBuilder.CreateTable(
                name: "watermarks",
                schema: "receipts",
                columns: table => new
                {
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    delivered_seq = table.Column<long>(type: "bigint", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    read_seq = table.Column<long>(type: "bigint", nullable: false),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    delivered_marks = table.Column<long[]>(type: "bigint[]", nullable: false),
                    delivered_times = table.Column<DateTimeOffset[]>(type: "timestamp with time zone[]", nullable: false),
                    read_marks = table.Column<long[]>(type: "bigint[]", nullable: false),
                    read_times = table.Column<DateTimeOffset[]>(type: "timestamp with time zone[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_watermarks", x => new { x.conversation_id, x.user_id });
                });

            migrationBuilder.DistributeTableWhenCitus("receipts.watermarks", "conversation_id");
            migrationBuilder.DistributeTableWhenCitus("receipts.settings", "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "settings",
                schema: "receipts");

            migrationBuilder.DropTable(
                name: "watermarks",
                schema: "receipts");
        }
    }
}
