using ChatMonolith.BuildingBlocks.Errors;
using ChatMonolith.BuildingBlocks.Grpc;
using ChatMonolith.BuildingBlocks.Security;
using ChatMonolith.Modules.Messaging.Contracts.Delivery;
using ChatMonolith.Modules.Presence.Data;
using ChatMonolith.Modules.Presence.Features.Members;
using ChatMonolith.Modules.Presence.Contracts;
using ChatMonolith.Protos.Presence.V1;
using ChatMonolith.Modules.Presence.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Wolverine;

namespace ChatMonolith.Modules.Presence.Features.Typing;

/// <summary>
/// "Is typing…": starts, refreshes and stops go to the other members' connected devices; a start that is not
/// refreshed ends on its own. Rate-limited per user. Public only because handlers name it (ADR 3).
/// </summary>
public sealed class TypingSignals
{
    private readonly TypingState _state;
    private readonly IServiceScopeFactory _scopes;
    private readonly PresenceOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A singleton (Wolverine's generated code takes it as is); the bus comes from a scope of its own.</summary>
    internal TypingSignals(TypingState state, IServiceScopeFactory scopes, IOptions<PresenceOptions> options, TimeProvider clock)
    {
        (_state, _scopes, _options, _clock) = (state, scopes, options.Value, clock);
    }

    internal async Task SignalAsync(Caller caller, Guid conversationId, bool typing, CancellationToken cancellationToken)
    {
        if (!await _state.WithinRateAsync(caller.UserId, _options.TypingSignalsPerWindow, _options.TypingRateWindow))
        {
            // Retry after the window at most: the one that is full ends within it.
            throw ChatException.RateLimited("TYPING_RATE_LIMITED",
                $"At most {_options.TypingSignalsPerWindow} typing signals per {_options.TypingRateWindow.TotalSeconds:0} s.", _options.TypingRateWindow);
        }

        await using var scope = _scopes.CreateAsyncScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        var others = await KnownMembers.OthersAsync(scope.ServiceProvider.GetRequiredService<PresenceDbContext>(), bus, conversationId, caller.UserId, cancellationToken);
        var now = _clock.GetUtcNow();
        var news = typing
            ? await _state.StartAsync(conversationId, caller.UserId, now, _options.TypingTimeout)
            : await _state.StopAsync(conversationId, caller.UserId);
        if (news)
        {
            var update = Update(conversationId, caller.UserId, typing, typing ? now + _options.TypingTimeout : null);
            await bus.InvokeAsync(DeliverToDevices.ToUsers(others, update), cancellationToken);
        }
    }

    /// <summary>A start ran out without a refresh or a stop.</summary>
    internal async Task ExpiredAsync(Guid conversationId, Guid userId)
    {
        if (await _state.ClaimExpiryAsync(conversationId, userId, _options.TypingTimeout))
        {
            await using var scope = _scopes.CreateAsyncScope();
            var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
            var others = await KnownMembers.OthersAsync(scope.ServiceProvider.GetRequiredService<PresenceDbContext>(), bus, conversationId, userId, CancellationToken.None);
            await bus.InvokeAsync(DeliverToDevices.ToUsers(others, Update(conversationId, userId, false, null)));
        }
    }

    private static TypingUpdate Update(Guid conversationId, Guid userId, bool typing, DateTimeOffset? expiresAt) => new()
    {
        ConversationId = conversationId.ToString(),
        UserId = userId.ToString(),
        Typing = typing,
        ExpiresAt = ProtoTime.From(expiresAt),
    };
}
