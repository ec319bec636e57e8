using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChatMonolith.BuildingBlocks.Persistence;

/// <summary>
/// Runs an action once the transaction that a module's DbContext is in has committed, or at once when it is in none:
/// the wake-up of a worker that must not look for rows before they are there (a handler's transaction commits only
/// after the handler returns). Dropped when the transaction rolls back. Every module DbContext carries it.
/// </summary>
public sealed class AfterCommit : DbTransactionInterceptor
{
    // Keyed by the transaction object itself, so that one disposed without a commit or a rollback takes its actions along.
    private readonly ConditionalWeakTable<DbTransaction, List<Action>> _pending = [];

    public void Run(DbContext db, Action action)
    {
        if (db.Database.CurrentTransaction?.GetDbTransaction() is not { } transaction)
        {
            action();
            return;
        }

        var actions = _pending.GetOrCreateValue(transaction);
        lock (actions)
        {
            actions.Add(action);
        }
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => RunPending(transaction);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RunPending(transaction);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => _pending.Remove(transaction);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _pending.Remove(transaction);
        return Task.CompletedTask;
    }

    private void RunPending(DbTransaction transaction)
    {
        if (!_pending.TryGetValue(transaction, out var actions))
        {
            return;
        }

        _pending.Remove(transaction);
        Action[] toRun;
        lock (actions)
        {
            toRun = [.. actions];
        }

        foreach (var action in toRun)
        {
            action();
        }
    }
}
