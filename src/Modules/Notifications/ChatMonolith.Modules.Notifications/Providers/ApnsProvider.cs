using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatMonolith.Modules.Notifications.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>
/// Apple Push Notification service over HTTP/2 and TLS, with a provider token: an ES256 JWT (<c>iss</c> the team,
/// <c>iat</c>, header <c>kid</c>) signed with the .p8 key, made anew every <see cref="ApnsOptions.TokenLifetime"/>
/// (Apple refuses one older than an hour, and one made more often than every 20 minutes). No APNs client package is
/// served here, so this is the protocol itself, as Apple documents it.
/// </summary>
internal sealed class ApnsProvider : IPushProvider, IDisposable
{
    private readonly HttpClient _http;
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lazy<ECDsaSecurityKey> _key;
    private readonly Lock _tokenLock = new();
    private (string Token, DateTimeOffset MadeAt)? _token;

    public ApnsProvider(IOptions<NotificationsOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _http = new HttpClient(ProviderHttp.Handler(_options)) { Timeout = _options.ProviderTimeout };
        _key = new(() =>
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(File.ReadAllText(_options.Apns.KeyFile));
            return new ECDsaSecurityKey(ecdsa) { KeyId = _options.Apns.KeyId };
        });
    }

    public PushProvider Provider => PushProvider.Apns;

    public async Task<PushOutcome> SendAsync(PushTarget target, PushContent content, CancellationToken cancellationToken)
    {
        var server = target.ApnsEnvironment == ApnsEnvironment.Sandbox ? _options.Apns.SandboxUrl : _options.Apns.ProductionUrl;
        var alert = content.Kind == PushContentKind.Message;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, $"3/device/{Uri.EscapeDataString(target.Address)}"))
        {
            // On the request itself: HttpClient's default version applies only to requests it makes, and APNs speaks
            // HTTP/2 alone.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = JsonContent.Create(Payload(content)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("bearer", ProviderToken());
        request.Headers.Add("apns-topic", target.ApnsTopic);
        request.Headers.Add("apns-push-type", alert ? "alert" : "background");
        request.Headers.Add("apns-priority", alert ? "10" : "5");
        request.Headers.Add("apns-expiration", (_clock.GetUtcNow() + _options.TimeToLive).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("apns-collapse-id", content.CollapseKey);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return PushOutcome.Delivered;
        }

        var reason = await ReasonAsync(response, cancellationToken);
        var said = $"APNs {(int)response.StatusCode} {reason}";
        if (response.StatusCode == HttpStatusCode.Gone || reason is "BadDeviceToken" or "DeviceTokenNotForTopic" or "Unregistered")
        {
            return PushOutcome.Gone(said);
        }

        if (reason == "ExpiredProviderToken")
        {
            // Apple thinks the token too old (a clock apart): the next attempt signs a new one.
            lock (_tokenLock)
            {
                _token = null;
            }

            return PushOutcome.Later(said, null);
        }

        return PushOutcome.RetryableOrNull("APNs", response.StatusCode, response.Headers.RetryAfter, _clock) ?? PushOutcome.Refused(said);
    }

    /// <summary>An alert with the conversation as its thread, so that iOS groups a chat's notifications; a clear is silent, with the badge.</summary>
    private static JsonObject Payload(PushContent content)
    {
        var aps = new JsonObject();
        if (content.Badge is { } badge)
        {
            aps["badge"] = badge;
        }

        if (content.Kind == PushContentKind.Message)
        {
            // Content-free: a placeholder the app localises, and mutable-content so its service extension can fetch
            // the message and show it.
            aps["alert"] = content.Title.Length > 0
                ? new JsonObject { ["title"] = content.Title, ["body"] = content.Body }
                : new JsonObject { ["loc-key"] = "NEW_MESSAGE" };
            aps["sound"] = "default";
            aps["thread-id"] = content.CollapseKey;
            aps["mutable-content"] = 1;
        }
        else
        {
            aps["content-available"] = 1;
        }

        var payload = new JsonObject { ["aps"] = aps };
        foreach (var (key, value) in content.Data())
        {
            payload[key] = value;
        }

        return payload;
    }

    private string ProviderToken()
    {
        lock (_tokenLock)
        {
            var now = _clock.GetUtcNow();
            if (_token is { } token && now - token.MadeAt < _options.Apns.TokenLifetime)
            {
                return token.Token;
            }

            var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
            var made = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = _options.Apns.TeamId,
                Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Iat] = now.ToUnixTimeSeconds() },
                SigningCredentials = new SigningCredentials(_key.Value, SecurityAlgorithms.EcdsaSha256),
            });
            _token = (made, now);
            return made;
        }
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return body.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    public void Dispose() => _http.Dispose();
}
