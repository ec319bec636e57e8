namespace ChatMonolith.Modules.Messaging.Features;

/// <summary>A stored entry and the users whose online devices get it, once its transaction has committed.</summary>
public sealed record FanOut(IReadOnlyList<Guid> RecipientIds, MessageView Message);

/// <summary>A command result that carries something to deliver after its commit.</summary>
internal interface IHasFanOut
{
    FanOut? FanOut { get; }
}
