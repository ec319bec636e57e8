using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ChatMonolith.Modules.Notifications.Tests.Fakes;

/// <summary>
/// APNs on loopback, HTTP/2 only and over TLS, as strict as Apple about what matters here: the provider token is an
/// ES256 JWT whose signature verifies with the public half of this run's .p8 key, with the key id in its header, the
/// team as issuer and an <c>iat</c> under an hour old; the request names the topic, push type, priority, expiration
/// and collapse id. What it accepts is in <see cref="Received"/>; what it refused, and why, in <see cref="Refusals"/>.
/// </summary>
public sealed class FakeApns : IAsyncDisposable
{
    public const string KeyId = "ABC123DEFG";
    public const string TeamId = "DEF123GHIJ";

    private static readonly string[] CheckedHeaders = ["apns-topic", "apns-push-type", "apns-priority", "apns-collapse-id", "apns-expiration"];

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly WebApplication _app;
    private readonly ScriptedAnswers _answers = new();
    private readonly ConcurrentDictionary<string, bool> _hanging = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeApns(WebApplication app) => _app = app;

    /// <summary>Each push accepted: the device token, the headers that matter, the HTTP version and the JSON body.</summary>
    public Channel<ApnsPush> Received { get; } = Channel.CreateUnbounded<ApnsPush>();

    /// <summary>Requests refused for a wrong token or header; a test that expects none checks it is empty.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>Requests that came in for a device token, whatever they were answered (those left hanging too).</summary>
    public ConcurrentDictionary<string, int> Requests { get; } = new();

    public string KeyFile { get; private set; } = "";

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeApns> StartAsync(LoopbackTls tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(tls.ServerCertificate);
        }));
        builder.Logging.ClearProviders();
        var fake = new FakeApns(builder.Build());
        fake._app.MapPost("/3/device/{token}", fake.PushAsync);
        await fake._app.StartAsync();
        fake.BaseUrl = new Uri(fake._app.Urls.First() + "/");
        fake.KeyFile = Path.Combine(Path.GetTempPath(), $"apns-{Guid.NewGuid():N}.p8");
        await File.WriteAllTextAsync(fake.KeyFile, fake._key.ExportPkcs8PrivateKeyPem());
        return fake;
    }

    /// <summary>The next pushes to <paramref name="token"/> answer these statuses, in turn, before the fake accepts again.</summary>
    public void AnswerNext(string token, params int[] statuses) =>
        _answers.Enqueue(token, statuses);

    /// <summary>Pushes to <paramref name="token"/> get no answer until the fake is disposed: a provider that hangs.</summary>
    public void Hang(string token) => _hanging[token] = true;

    private async Task<IResult> PushAsync(HttpRequest request, string token)
    {
        Requests.AddOrUpdate(token, 1, (_, n) => n + 1);
        if (_hanging.ContainsKey(token))
        {
            await _release.Task;
            return Results.StatusCode(503);
        }

        var problem = request.Protocol != "HTTP/2" ? $"came over {request.Protocol}" : TokenProblem(request.Headers.Authorization.ToString()) ?? HeaderProblem(request.Headers);
        if (problem is not null)
        {
            Refusals.Enqueue(problem);
            return Results.Json(new { reason = problem.StartsWith("token", StringComparison.Ordinal) ? "InvalidProviderToken" : "BadRequest" }, statusCode: 403);
        }

        using var body = await JsonDocument.ParseAsync(request.Body);
        if (_answers.TryNext(token, out var status))
        {
            var reason = status switch { 410 => "Unregistered", 400 => "BadDeviceToken", 429 => "TooManyRequests", _ => "ServiceUnavailable" };
            return Results.Json(new { reason }, statusCode: status);
        }

        var headers = CheckedHeaders.ToDictionary(h => h, h => request.Headers[h].ToString());
        await Received.Writer.WriteAsync(new ApnsPush(token, headers, body.RootElement.Clone()));
        request.HttpContext.Response.Headers["apns-id"] = Guid.NewGuid().ToString().ToUpperInvariant();
        return Results.Ok();
    }

    private string? TokenProblem(string authorization)
    {
        if (!authorization.StartsWith("bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "token: no bearer provider token";
        }

        var parts = authorization["bearer ".Length..].Split('.');
        if (parts.Length != 3)
        {
            return "token: not a JWT";
        }

        using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
        if (header.RootElement.GetProperty("alg").GetString() != "ES256" || header.RootElement.GetProperty("kid").GetString() != KeyId)
        {
            return "token: not ES256 with the key's id";
        }

        // JWS carries an ECDSA signature as r and s, 32 bytes each: .NET's IEEE P1363 format.
        if (!_key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256))
        {
            return "token: the signature does not verify with the .p8 key's public half";
        }

        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(claims.RootElement.GetProperty("iat").GetInt64());
        if (claims.RootElement.GetProperty("iss").GetString() != TeamId)
        {
            return "token: the issuer is not the team";
        }

        return DateTimeOffset.UtcNow - issuedAt > TimeSpan.FromHours(1) || issuedAt > DateTimeOffset.UtcNow.AddMinutes(1)
            ? "token: iat is more than an hour old, or in the future"
            : null;
    }

    private static string? HeaderProblem(IHeaderDictionary headers)
    {
        if (headers["apns-topic"].ToString().Length == 0)
        {
            return "no apns-topic";
        }

        if (headers["apns-push-type"].ToString() is not ("alert" or "background"))
        {
            return "apns-push-type is neither alert nor background";
        }

        if (headers["apns-priority"].ToString() != (headers["apns-push-type"] == "alert" ? "10" : "5"))
        {
            return "apns-priority does not suit the push type (Apple wants 5 for background)";
        }

        if (!long.TryParse(headers["apns-expiration"], out var expiration) || expiration <= DateTimeOffset.UtcNow.ToUnixTimeSeconds())
        {
            return "apns-expiration is not a future UNIX time";
        }

        var collapseId = headers["apns-collapse-id"].ToString();
        return collapseId.Length is 0 or > 64 ? "apns-collapse-id is missing or over 64 bytes" : null;
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.DisposeAsync();
        _key.Dispose();
        File.Delete(KeyFile);
    }
}

/// <summary>One push that <see cref="FakeApns"/> accepted.</summary>
public sealed record ApnsPush(string DeviceToken, IReadOnlyDictionary<string, string> Headers, JsonElement Body);
