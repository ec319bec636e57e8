using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatMonolith.Modules.Messaging.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembersKeepTitleWhenRemoved : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "title_when_removed",
                schema: "messaging",
                table: "members",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            // Members who left before this column: the title of the last creation or rename at or before their
            // removal, from the conversation's own log. Joined on conversation_id, the distribution column of both
            // tables on Citus, so each shard pair updates on its own.
            migrationBuilder.Sql("""
                UPDATE messaging.members m
                SET title_when_removed = t.title
                FROM (
                    SELECT DISTINCT ON (r.conversation_id, r.user_id) r.conversation_id, r.user_id, e.system_title AS title
                    FROM messaging.members r
                    JOIN messaging.messages e
                      ON e.conversation_id = r.conversation_id AND e.seq <= r.removed_seq AND e.system_kind IN (1, 5)
                    WHERE r.removed_seq IS NOT NULL
                    ORDER BY r.conversation_id, r.user_id, e.seq DESC) t
                WHERE m.conversation_id = t.conversation_id AND m.user_id = t.user_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "title_when_removed",
                schema: "messaging",
                table: "members");
        }
    }
}
