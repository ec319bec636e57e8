using ChatMonolith.Modules.Presence.Contracts;

namespace ChatMonolith.Modules.Presence.Features.Typing;

public static class SignalTypingHandler
{
    public static Task Handle(SignalTyping signal, TypingSignals typing, CancellationToken cancellationToken) =>
        typing.SignalAsync(signal.Caller, signal.ConversationId, signal.Typing, cancellationToken);
}
