using System.Net;
using ChatMonolith.Modules.Notifications.Data;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>
/// Web Push (RFC 8030) through Lib.Net.Http.WebPush: the payload encrypted for the subscription with aes128gcm
/// (RFC 8291), VAPID (RFC 8292) as the authorization, the conversation as the <c>Topic</c> so that a newer push
/// replaces one still queued, and <c>TTL</c> and <c>Urgency</c>. The endpoint's host was checked against the allowed
/// push services when the target was set, and is checked again here, in case the list changed since.
/// </summary>
internal sealed class WebPushProvider : IPushProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly PushServiceClient _client;
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _clock;
    private readonly Func<string, bool> _allowed;

    public WebPushProvider(IOptions<NotificationsOptions> options, TimeProvider clock, Features.Targets.PushTargetRules rules)
    {
        _options = options.Value;
        _clock = clock;
        _allowed = rules.IsAllowedEndpoint;
        _http = new HttpClient(ProviderHttp.Handler(_options)) { Timeout = _options.ProviderTimeout };
        VapidAuthentication vapid;
        try
        {
            vapid = new VapidAuthentication(_options.WebPush.VapidPublicKey, _options.WebPush.VapidPrivateKey) { Subject = _options.WebPush.Subject };
        }
        catch (ArgumentException e)
        {
            // The library names the key in its message; the key itself is not in it.
            throw new InvalidOperationException($"Notifications:WebPush is not a usable VAPID key pair and subject: {e.Message}", e);
        }

        // Retries are the dispatcher's, with its bounds and its record of attempts.
        _client = new PushServiceClient(_http) { AutoRetryAfter = false, DefaultAuthentication = vapid };
    }

    public PushProvider Provider => PushProvider.WebPush;

    public async Task<PushOutcome> SendAsync(PushTarget target, PushContent content, CancellationToken cancellationToken)
    {
        if (!_allowed(target.Address))
        {
            return PushOutcome.Gone("the endpoint is no longer at an allowed push service");
        }

        var subscription = new PushSubscription { Endpoint = target.Address };
        subscription.SetKey(PushEncryptionKeyName.P256DH, target.WebPushP256dh);
        subscription.SetKey(PushEncryptionKeyName.Auth, target.WebPushAuth);
        var message = new PushMessage(content.Json())
        {
            Topic = content.CollapseKey,
            TimeToLive = (int)Math.Min(_options.TimeToLive.TotalSeconds, int.MaxValue),
            Urgency = content.Kind == PushContentKind.Message ? PushMessageUrgency.High : PushMessageUrgency.Low,
        };
        try
        {
            await _client.RequestPushMessageDeliveryAsync(subscription, message, cancellationToken);
            return PushOutcome.Delivered;
        }
        catch (PushServiceClientException refused)
        {
            var status = (int)refused.StatusCode;
            if (refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            {
                return PushOutcome.Gone($"Web Push {status}");
            }

            return PushOutcome.RetryableOrNull("Web Push", refused.StatusCode, refused.Headers?.RetryAfter, _clock)
                ?? PushOutcome.Refused($"Web Push {status}");
        }
    }

    public void Dispose() => _http.Dispose();
}
