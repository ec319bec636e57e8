using ChatMonolith.Modules.Messaging.Data;
using ChatMonolith.Modules.Messaging.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ChatMonolith.Modules.Messaging.Delivery;

/// <summary>What a stream reads from the database: a device's memberships and ranges of a conversation's log.</summary>
/// <remarks>
/// The membership windows are read on a pooled connection without a DbContext: every stream's opening reads them, and
/// building a DbContext's services cost more than the round trips.
/// </remarks>
internal sealed class DeliveryLog(IServiceScopeFactory scopes, NpgsqlDataSource dataSource, MessagingDatabase database)
{
    public Task<List<MemberWindow>> WindowsAsync(Guid userId, CancellationToken cancellationToken) =>
        MemberWindows.LoadAsync(dataSource, database, userId, null, cancellationToken);

    public async Task<MemberWindow?> WindowAsync(Guid userId, Guid conversationId, CancellationToken cancellationToken) =>
        (await MemberWindows.LoadAsync(dataSource, database, userId, [conversationId], cancellationToken)).SingleOrDefault();

    /// <summary>
    /// The entries of <paramref name="conversationId"/> from <paramref name="fromSeq"/> to <paramref name="toSeq"/>,
    /// oldest first, that <paramref name="userId"/>'s current membership lets them read (a member who left and came
    /// back does not get what was said in between).
    /// </summary>
    public async Task<List<MessageView>> ReadAsync(Guid userId, Guid conversationId, long fromSeq, long toSeq, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MessagingDbContext>();
        var membership = db.Members.Where(m => m.ConversationId == conversationId && m.UserId == userId);
        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversationId && m.Seq >= fromSeq && m.Seq <= toSeq)
            .Where(m => membership.Any(x => m.Seq >= x.JoinedSeq && (x.RemovedSeq == null || m.Seq <= x.RemovedSeq)))
            .OrderBy(m => m.Seq)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return messages.Select(m => m.ToView()).ToList();
    }
}
