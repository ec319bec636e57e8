using ChatMonolith.Modules.Messaging.Data;
using JasperFx;
using JasperFx.CodeGeneration;
using Wolverine.Configuration;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ChatMonolith.Modules.Messaging.Features.Conversations;

/// <summary>
/// A conversation command that loses a race to a concurrent twin (the same direct chat opened from both sides at
/// once, the same user added twice at once) fails on a unique key. Running it once more, on a fresh DbContext,
/// finds what the twin committed: the direct chat, or a member who is there already. Wolverine retries inline, so
/// this holds for <c>InvokeAsync</c> from a gRPC call, a handler or a job alike.
/// </summary>
internal sealed class RetryConcurrentTwins : IHandlerPolicy
{
    public void Apply(IReadOnlyList<HandlerChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.MessageType.Namespace == typeof(RetryConcurrentTwins).Namespace))
        {
            chain.OnException<Exception>(e => e.IsUniqueViolation()).RetryTimes(1);
        }
    }
}
