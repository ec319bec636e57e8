using ChatMonolith.Modules.Notifications.Data;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>One push service's protocol. Only the providers this deployment has configured are registered.</summary>
internal interface IPushProvider
{
    PushProvider Provider { get; }

    /// <summary>Sends one push. Answers the provider's verdict; throws only when it is not known whether the push arrived (a timeout).</summary>
    Task<PushOutcome> SendAsync(PushTarget target, PushContent content, CancellationToken cancellationToken);
}
