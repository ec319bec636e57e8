using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>
/// FCM HTTP v1 on loopback, as strict as Google about what matters here: its token endpoint (the service-account
/// file's token_uri) checks the JWT assertion's RS256 signature against the public half of this run's key, its issuer,
/// audience and scope; its send endpoint checks the bearer token it issued. What it takes is in <see cref="Received"/>.
/// </summary>
public sealed class FakeFcm : IAsyncDisposable
{
    public const string ProjectId = "chat-test";
    private const string ClientEmail = "push@chat-test.iam.gserviceaccount.com";

    private readonly RSA _key = RSA.Create(2048);
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, bool> _issued = new();
    private readonly ScriptedAnswers _answers = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();

    private FakeFcm(WebApplication app) => _app = app;

    /// <summary>Each message the send endpoint accepted (the <c>message</c> object), with the token it was for.</summary>
    public Channel<JsonElement> Received { get; } = Channel.CreateUnbounded<JsonElement>();

    public string ServiceAccountFile { get; private set; } = "";

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Assertions the token endpoint refused; a test that expects none checks it is empty.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    public static async Task<FakeFcm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeFcm(builder.Build());
        fake._app.MapPost("/token", fake.TokenAsync);
        fake._app.MapPost($"/v1/projects/{ProjectId}/messages:send", fake.SendAsync);
        await fake._app.StartAsync();
        fake.BaseUrl = new Uri(fake._app.Urls.First() + "/");
        fake.ServiceAccountFile = Path.Combine(Path.GetTempPath(), $"fcm-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(fake.ServiceAccountFile, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = ProjectId,
            ["private_key_id"] = "test-key-1",
            ["private_key"] = fake._key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = ClientEmail,
            ["client_id"] = "1",
            ["token_uri"] = new Uri(fake.BaseUrl, "token").ToString(),
        }));
        return fake;
    }

    /// <summary>How many send requests for <paramref name="token"/> came in, whatever they were answered.</summary>
    public int RequestsFor(string token) => _requests.GetValueOrDefault(token);

    /// <summary>The next sends to <paramref name="token"/> answer these statuses, in turn, before the fake accepts it again.</summary>
    public void AnswerNext(string token, params int[] statuses) =>
        _answers.Enqueue(token, statuses);

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var assertion = form["assertion"].ToString();
        var problem = form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" ? "wrong grant_type" : AssertionProblem(assertion);
        if (problem is not null)
        {
            Refusals.Enqueue(problem);
            return Results.Json(new { error = "invalid_grant", error_description = problem }, statusCode: 400);
        }

        var token = $"ya29.fake-{Guid.NewGuid():N}";
        _issued[token] = true;
        return Results.Json(new { access_token = token, expires_in = 3600, token_type = "Bearer" });
    }

    private string? AssertionProblem(string assertion)
    {
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "not a JWT";
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "RS256")
        {
            return "not RS256";
        }

        var signed = Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}");
        if (!_key.VerifyData(signed, Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "the signature does not verify with the service account's public key";
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var root = claims.RootElement;
        if (root.GetProperty("iss").GetString() != ClientEmail)
        {
            return "wrong issuer";
        }

        // Google's token endpoint wants its own URL as the audience, whatever token_uri the assertion is posted to.
        if (root.GetProperty("aud").GetString() != "https://oauth2.googleapis.com/token")
        {
            return "wrong audience";
        }

        if (root.GetProperty("scope").GetString()?.Contains("https://www.googleapis.com/auth/firebase.messaging", StringComparison.Ordinal) != true)
        {
            return "no firebase.messaging scope";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return root.GetProperty("exp").GetInt64() < now ? "expired" : null;
    }

    private async Task<IResult> SendAsync(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_issued.ContainsKey(authorization["Bearer ".Length..]))
        {
            return Results.Json(new { error = new { code = 401, status = "UNAUTHENTICATED" } }, statusCode: 401);
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        var message = body.RootElement.GetProperty("message");
        _requests.AddOrUpdate(message.GetProperty("token").GetString() ?? "", 1, (_, n) => n + 1);
        if (_answers.TryNext(message.GetProperty("token").GetString() ?? "", out var status))
        {
            return status switch
            {
                404 => Results.Json(new { error = new { code = 404, status = "NOT_FOUND", details = new[] { new Dictionary<string, string> { ["@type"] = "type.googleapis.com/google.firebase.fcm.v1.FcmError", ["errorCode"] = "UNREGISTERED" } } } }, statusCode: 404),
                _ => Results.Json(new { error = new { code = status, status = "UNAVAILABLE" } }, statusCode: status),
            };
        }

        await Received.Writer.WriteAsync(message.Clone());
        return Results.Json(new { name = $"projects/{ProjectId}/messages/{Guid.NewGuid():N}" });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _key.Dispose();
        File.Delete(ServiceAccountFile);
    }
}
