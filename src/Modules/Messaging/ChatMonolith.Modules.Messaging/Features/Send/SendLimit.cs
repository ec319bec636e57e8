using ChatMonolith.BuildingBlocks.RateLimits;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Messaging.Features.Send;

/// <summary>The seed's limit on sends per user (<see cref="MessagingOptions.SendsPerUser"/>), taken before a send is queued.</summary>
internal sealed class SendLimit(RateLimiter limiter, IOptions<MessagingOptions> options)
{
    public const string Reason = "SEND_RATE_LIMITED";

    private readonly RateLimit _limit = new("sends", options.Value.SendsPerUser, options.Value.SendsPerUserWindow, options.Value.SendsPerUserLease);

    /// <summary>Takes one send of <paramref name="userId"/>'s budget, or refuses it with RESOURCE_EXHAUSTED and when to retry.</summary>
    public ValueTask TakeAsync(Guid userId) =>
        limiter.TakeOrRefuseAsync(_limit, userId.ToString("N"), Reason, $"At most {_limit.Permits} messages per {_limit.Window.TotalSeconds:0} s");
}
