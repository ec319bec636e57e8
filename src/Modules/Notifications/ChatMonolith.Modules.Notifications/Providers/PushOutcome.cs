using System.Net;
using System.Net.Http.Headers;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>What a provider said to one push.</summary>
internal sealed record PushOutcome(PushOutcomeKind Kind, string Reason = "", TimeSpan? RetryAfter = null)
{
    public static readonly PushOutcome Delivered = new(PushOutcomeKind.Delivered);

    public static PushOutcome Gone(string reason) => new(PushOutcomeKind.TargetGone, reason);

    public static PushOutcome Later(string reason, TimeSpan? retryAfter) => new(PushOutcomeKind.RetryLater, reason, retryAfter);

    public static PushOutcome Refused(string reason) => new(PushOutcomeKind.Failed, reason);

    /// <summary>429 and 5xx are for later, with the provider's Retry-After (seconds or a date) when it gave one; null for any other status.</summary>
    public static PushOutcome? RetryableOrNull(string provider, HttpStatusCode statusCode, RetryConditionHeaderValue? retryAfterHeader, TimeProvider clock)
    {
        var status = (int)statusCode;
        if (status != 429 && status < 500)
        {
            return null;
        }

        var retryAfter = retryAfterHeader switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - clock.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return Later($"{provider} {status}", retryAfter is { } wait && wait > TimeSpan.Zero ? wait : null);
    }
}

internal enum PushOutcomeKind
{
    /// <summary>The provider took it.</summary>
    Delivered,

    /// <summary>The target is invalid or gone for good (the app was uninstalled, the subscription ended): delete it.</summary>
    TargetGone,

    /// <summary>Not now (429, 5xx, the connection failed before the request went out): try again later.</summary>
    RetryLater,

    /// <summary>Refused, or the outcome is unknown: do not try again.</summary>
    Failed,
}
