using ChatMonolith.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Receipts.Data.Migrations
{
    /// <summary>
    /// Every receipt fan-out reads the settings of all members of its direct chats at once (ReadPrivacy). Distributed
    /// by user, that read ran on several shards; a reference table answers it on one node. Settings are small, one row
    /// per user who changed them, and rarely written.
    /// </summary>
    public partial class SettingsOnEveryNode : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.ReplicateToEveryNodeWhenCitus("receipts.settings");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
