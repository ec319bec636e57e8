using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Messaging.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryStateMovesToReceipts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "delivered_seq",
                schema: "messaging",
                table: "members");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "delivered_seq",
                schema: "messaging",
                table: "members",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }
    }
}
