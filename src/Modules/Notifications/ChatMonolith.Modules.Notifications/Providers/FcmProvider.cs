using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatMonolith.Modules.Notifications.Data;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace ChatMonolith.Modules.Notifications.Providers;

/// <summary>
/// Firebase Cloud Messaging, HTTP v1 (<c>projects/{id}/messages:send</c>). The bearer token is an OAuth2 access token
/// that Google.Apis.Auth gets from the service account's <c>token_uri</c> with an RS256-signed assertion, and caches
/// and refreshes before it expires (what FirebaseAdmin does underneath; FirebaseAdmin itself is not served here).
/// </summary>
internal sealed class FcmProvider : IPushProvider, IDisposable
{
    private const string Scope = "https://www.googleapis.com/auth/firebase.messaging";

    private readonly HttpClient _http;
    private readonly NotificationsOptions _options;
    private readonly TimeProvider _clock;
    private readonly Lazy<(ITokenAccess Tokens, string ProjectId)> _account;

    public FcmProvider(IOptions<NotificationsOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        _http = new HttpClient(ProviderHttp.Handler(_options)) { BaseAddress = _options.Fcm.BaseUrl, Timeout = _options.ProviderTimeout };
        _account = new(() =>
        {
            var account = CredentialFactory.FromFile<ServiceAccountCredential>(_options.Fcm.ServiceAccountFile);
            if (string.IsNullOrEmpty(account.ProjectId))
            {
                throw new InvalidOperationException($"The FCM service-account file {_options.Fcm.ServiceAccountFile} has no project_id.");
            }

            return (account.ToGoogleCredential().CreateScoped(Scope), account.ProjectId);
        });
    }

    public PushProvider Provider => PushProvider.Fcm;

    public async Task<PushOutcome> SendAsync(PushTarget target, PushContent content, CancellationToken cancellationToken)
    {
        var (tokens, projectId) = _account.Value;
        var accessToken = await tokens.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/projects/{Uri.EscapeDataString(projectId)}/messages:send")
        {
            Content = JsonContent.Create(Message(target.Address, content)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return PushOutcome.Delivered;
        }

        var error = await ErrorCodeAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound || error == "UNREGISTERED")
        {
            return PushOutcome.Gone($"FCM {(int)response.StatusCode} {error}");
        }

        return PushOutcome.RetryableOrNull("FCM", response.StatusCode, response.Headers.RetryAfter, _clock) ?? PushOutcome.Refused($"FCM {(int)response.StatusCode} {error}");
    }

    /// <summary>
    /// A message for one registration token. An alert carries Android's notification with the conversation as its tag
    /// and collapse key, so that a burst replaces one notification; a content-free push and a clear are data only.
    /// </summary>
    private JsonObject Message(string token, PushContent content)
    {
        var android = new JsonObject
        {
            ["collapse_key"] = content.CollapseKey,
            ["ttl"] = $"{(long)_options.TimeToLive.TotalSeconds}s",
            ["priority"] = content.Kind == PushContentKind.Message ? "HIGH" : "NORMAL",
        };
        if (content.Kind == PushContentKind.Message && content.Title.Length > 0)
        {
            android["notification"] = new JsonObject
            {
                ["title"] = content.Title,
                ["body"] = content.Body,
                ["tag"] = content.CollapseKey,
                ["notification_count"] = (int)Math.Min(content.Unread, int.MaxValue),
            };
        }

        var data = new JsonObject();
        foreach (var (key, value) in content.Data())
        {
            data[key] = value;
        }

        return new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["token"] = token,
                ["data"] = data,
                ["android"] = android,
            },
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The FcmError code in the error's details (UNREGISTERED, QUOTA_EXCEEDED, …), else the error's status.</summary>
    private static async Task<string> ErrorCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!body.TryGetProperty("error", out var error))
            {
                return "";
            }

            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.TryGetProperty("errorCode", out var code) && code.ValueKind == JsonValueKind.String)
                    {
                        return code.GetString()!;
                    }
                }
            }

            return error.TryGetProperty("status", out var status) ? status.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }
}
